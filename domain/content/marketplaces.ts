/**
 * The content rules of marketplaces (CONTRACT.md section 14), across files: retailers of one
 * `group` are the marketplaces of one store, its first retailer in content/retailers.yaml the
 * home one. A retailer without `group` is a group of its own.
 *
 * - retailers: `countries` are ISO 3166 alpha-2 codes, each listed once, and no country is
 *   served by two marketplaces of one group (the shopper's country picks one, never two);
 *   `search_url` is printable ASCII, https, on one of its retailer's hosts, with exactly one
 *   `{query}`, after the host and before any fragment: the worker puts the title there,
 *   percent-encoded, so no title can move the link to another host.
 * - members: every `tracking_ids` key is a marketplace of a group, other than the group's home
 *   (whose tracking id is `tracking_id`); a tracking id belongs to one member only, at every
 *   marketplace (compared case-insensitively, as `tracking_id` is): unique per marketplace, and
 *   more, so that an order event's tracking id names one member whatever marketplace it is from
 *   (and over all time, history included: tracking-ids.ts).
 * - products: every `markets` key is another marketplace of the product's retailer's group,
 *   and its URL printable ASCII on that marketplace's hosts.
 */
import type { FileIssue } from '../issues.ts';
import { COUNTRY_HINTS, ISO_COUNTRIES } from './countries.ts';
import type { Member, Product, Retailer } from './schema.ts';


export const QUERY = '{query}';

interface Parsed<T> {
  path: string;
  value: T | null;
}

export interface MarketplaceInput {
  retailersPath: string;
  retailers: readonly Retailer[] | null;
  influencers: readonly Parsed<Member>[];
  products: readonly Parsed<Product>[];
}

const groupOf = (r: Retailer) => r.group ?? r.id;
const PRINTABLE = /^[\x21-\x7e]+$/;

export function marketplaceErrors(input: MarketplaceInput): FileIssue[] {
  const errors: FileIssue[] = [];
  const push = (file: string, field: string, message: string) => errors.push({ file, field, message });
  const retailers = input.retailers ?? [];
  retailerErrors(input.retailersPath, retailers, push);
  if (!input.retailers) return errors;
  const byId = new Map(retailers.map((r) => [r.id, r]));
  const homeOf = new Map<string, string>();
  for (const r of retailers) if (!homeOf.has(groupOf(r))) homeOf.set(groupOf(r), r.id);

  // Home tracking ids first: validate.ts reports clashes among them.
  const owners = new Map<string, string>();
  for (const { path, value } of input.influencers)
    if (value && !owners.has(value.tracking_id.toLowerCase())) owners.set(value.tracking_id.toLowerCase(), path);
  for (const { path, value } of input.influencers) {
    if (!value) continue;
    for (const [id, trackingId] of Object.entries(value.tracking_ids ?? {})) {
      const field = `tracking_ids.${id}`;
      const marketplace = byId.get(id);
      // An unknown id is reported by validate.ts (checkIdentity).
      if (!marketplace) continue;
      if (marketplace.group === undefined)
        push(path, field, `retailer "${id}" is no marketplace of a group: its tracking id is tracking_id`);
      else if (homeOf.get(marketplace.group) === id)
        push(path, field, `"${id}" is the home marketplace of group "${marketplace.group}": its tracking id is tracking_id`);
      const key = trackingId.toLowerCase();
      const other = owners.get(key);
      if (other !== undefined && other !== path)
        push(path, field, `"${trackingId}" is already a tracking id of ${other}`);
      else owners.set(key, path);
    }
  }

  for (const { path, value } of input.products) {
    const own = value ? byId.get(value.retailer) : undefined;
    if (!value || !own) continue;
    for (const [id, url] of Object.entries(value.markets ?? {})) {
      const field = `markets.${id}`;
      const marketplace = byId.get(id);
      // An unknown id is reported by validate.ts.
      if (!marketplace) continue;
      if (id === own.id) push(path, field, `is the product's own retailer: its URL there is url`);
      else if (groupOf(marketplace) !== groupOf(own))
        push(path, field, `"${id}" is not a marketplace of ${own.id}'s group (${groupMembers(retailers, own).join(', ')})`);
      else {
        const problem = urlProblem(url, marketplace);
        if (problem) push(path, field, problem);
      }
    }
  }
  return errors;
}

function retailerErrors(
  path: string,
  retailers: readonly Retailer[],
  push: (file: string, field: string, message: string) => void,
): void {
  const served = new Map<string, string>();
  retailers.forEach((r, i) => {
    const seen = new Set<string>();
    (r.countries ?? []).forEach((country, j) => {
      const field = `retailers[${i}].countries[${j}]`;
      if (!ISO_COUNTRIES.has(country)) {
        const hint = COUNTRY_HINTS[country];
        push(path, field, `"${country}" is not an ISO 3166 alpha-2 country code${hint ? ` (did you mean "${hint}"?)` : ' (two capital letters, e.g. "GB")'}`);
        return;
      }
      if (seen.has(country)) return push(path, field, `"${country}" is listed twice`);
      seen.add(country);
      const key = `${groupOf(r)} ${country}`;
      const other = served.get(key);
      if (other)
        push(path, field, `"${country}" is already served by ${other}, of the same group "${groupOf(r)}": a shopper's country picks one marketplace`);
      else served.set(key, r.id);
    });
    if (r.search_url !== undefined) {
      const problem = searchUrlProblem(r.search_url, r);
      if (problem) push(path, `retailers[${i}].search_url`, problem);
    }
  });
}

/** Why a search URL template cannot be used, or null. */
export function searchUrlProblem(template: string, retailer: Retailer): string | null {
  if (!PRINTABLE.test(template))
    return 'must be written percent-encoded: no spaces, control or non-ASCII characters';
  const count = template.split(QUERY).length - 1;
  if (count !== 1)
    return count === 0
      ? `must contain ${QUERY} once, where the product title goes`
      : `contains ${QUERY} ${count} times; exactly one`;
  const sample = template.replace(QUERY, 'q');
  // Written as sent: exactly "https://" (a browser would rewrite "https:/" or "HTTPS://").
  if (!template.startsWith('https://') || !URL.canParse(sample)) return 'must be an https:// URL';
  const scheme = 'https://'.length;
  const hostEnd = template.slice(scheme).search(/[/?#]/);
  const at = template.indexOf(QUERY) - scheme;
  if (hostEnd === -1 || at < hostEnd)
    return `${QUERY} must come after the host (in the path or the query), so a title can never change where the link goes`;
  const hash = template.indexOf('#');
  if (hash !== -1 && hash < template.indexOf(QUERY)) return `${QUERY} must come before any "#" fragment, which the retailer never receives`;
  return urlProblem(sample, retailer);
}

/** Why a URL may not be sent to shoppers of a marketplace, or null. */
function urlProblem(url: string, retailer: Retailer): string | null {
  if (!PRINTABLE.test(url)) return 'must be written percent-encoded: no spaces, control or non-ASCII characters';
  if (!URL.canParse(url) || new URL(url).protocol !== 'https:') return 'must be an https:// URL';
  const host = new URL(url).hostname;
  return retailer.hosts.includes(host)
    ? null
    : `host "${host}" is not allowed for marketplace "${retailer.id}" (allowed: ${retailer.hosts.join(', ')})`;
}

function groupMembers(retailers: readonly Retailer[], of: Retailer): string[] {
  return retailers.filter((r) => groupOf(r) === groupOf(of)).map((r) => r.id);
}
