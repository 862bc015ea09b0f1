/**
 * Policy checks: rules a pull request must not break whatever its score. An
 * `error` fails `npm run vet`; a `warn` is for the reviewer's eye only.
 */
import { storefrontProductIds } from '../content/members.ts';
import type { Influencer, Member, Product, Status } from '../content/schema.ts';
import { baseName } from '../content/validate.ts';
import type { FileChanges, StorefrontChange } from './changes.ts';
import { ADMIN_FILES } from './changes.ts';
import { clashOf, describeClash, reservedParts } from './handles.ts';
import { freeText, linkHosts, onDomain, PLATFORM_DOMAINS, socialHostMatches } from './links.ts';
import {
  adminFieldFindings,
  identityFindings,
  newFileHistoryFindings,
  ownershipFinding,
  sharedTrackingIdFindings,
  type RequestCheck,
} from './owners.ts';
import type { Snapshot } from './snapshot.ts';
import { trackingIdsFindings } from './tracking-ids.ts';
import { sameSite, socialPlatformOf } from './website.ts';

import type { Finding, Level } from './finding.ts';

export interface PolicyContext {
  base: Snapshot;
  head: Snapshot;
  /** Influencer file paths at each revision, readable or not. */
  basePaths: readonly string[];
  headPaths: readonly string[];
  /** GitHub login of the pull request's author, or null when not given. */
  author: string | null;
  /** The author is an admin of the base revision's program.yaml. */
  isAdmin: boolean;
  reserved: readonly string[];
  /** The request branch's signature check (null: not a request branch). */
  request?: RequestCheck | null;
  /** Today, "YYYY-MM-DD" UTC (history entries a change adds are dated today or later). */
  today: string;
}

const ADMIN_ONLY = 'only an admin (listed under admins in content/program.yaml at the base revision)';

/** A non-admin may add a storefront as "applied" and never change a status; an admin may do anything. */
export function statusFinding(before: Status | null, after: Status, isAdmin: boolean): Finding {
  const check = 'Status';
  const field = 'status';
  if (isAdmin)
    return { level: 'pass', check, field, message: `${before ?? 'new'} → ${after}, set by an admin` };
  if (before === null && after === 'applied')
    return { level: 'pass', check, field, message: 'new storefront starts as "applied"' };
  if (before === after) return { level: 'pass', check, field, message: `unchanged ("${after}")` };
  const refused =
    before === null
      ? `a new storefront must start as "applied"; ${ADMIN_ONLY} may set "${after}"`
      : `status changed from "${before}" to "${after}"; ${ADMIN_ONLY} may change a status`;
  return { level: 'error', check, field, message: (after === 'approved' ? 'self-approval: ' : '') + refused };
}

function signedRequestFor(ctx: PolicyContext, handle: string): boolean {
  return ctx.request?.verified === true && ctx.request.handle === handle;
}

/** The storefront's version at the base revision (its rename source for a rename). */
export function baseVersion(change: StorefrontChange, base: Snapshot): Member | null {
  if (change.kind === 'added') return null;
  return base.influencers.get(change.kind === 'renamed' ? change.fromPath : change.path) ?? null;
}

/** Who a storefront's rules compare it with: its own paths, its base version, every other storefront. */
interface StorefrontScope {
  own: Set<string>;
  before: Member | null;
  /** Handles held by every other storefront, current and previous, at either revision. */
  taken: string[];
  /** Every other storefront's file, at both revisions. */
  others: [string, Member][];
}

type Add = (level: Level, check: string, field: string, message: string) => void;

function collector(): { findings: Finding[]; add: Add } {
  const findings: Finding[] = [];
  return { findings, add: (level, check, field, message) => findings.push({ level, check, field, message }) };
}

export function storefrontPolicy(change: StorefrontChange, value: Member, ctx: PolicyContext): Finding[] {
  const own = new Set([change.path, change.kind === 'renamed' ? change.fromPath : change.path]);
  const others = [...ctx.base.influencers, ...ctx.head.influencers].filter(([p]) => !own.has(p));
  const handles = [
    ...ctx.basePaths.filter((p) => !own.has(p)).map(baseName),
    ...ctx.headPaths.filter((p) => !own.has(p)).map(baseName),
    ...others.flatMap(([, i]) => i.previous_handles),
  ];
  const scope: StorefrontScope = {
    own,
    before: baseVersion(change, ctx.base),
    taken: [...new Set(handles)],
    others,
  };
  const { findings, add } = collector();
  handleFindings(change, value, ctx, scope, add);
  findings.push(...trackingIdsFindings(own, value, ctx));
  // Status; program: it decides the rate tables, so moving an existing member is an admin's call.
  findings.push(statusFinding(scope.before?.status ?? null, value.status, ctx.isAdmin));
  findings.push(programFinding(scope.before?.program ?? null, value.program, ctx.isAdmin));
  findings.push(...ownerFindings(change, value, ctx, scope));
  const usedProducts = linkFindings(value, ctx, add);
  if (value.program === 'associate') return [...findings, ...associatePolicy(value, ctx)];
  disclosureFindings(usedProducts, ctx, add);
  profileFindings(value, add);
  return findings;
}

/** Handle, previous handles (only a real rename may add one, none another's) and tracking id (unique). */
function handleFindings(
  change: StorefrontChange,
  value: Member,
  ctx: PolicyContext,
  scope: StorefrontScope,
  add: Add,
) {
  const { taken } = scope;
  if (change.kind === 'modified') {
    add('pass', 'Handle', 'handle', `"${change.handle}" unchanged`);
  } else {
    const clash = clashOf(change.handle, ctx.reserved, taken);
    if (clash) add('error', 'Handle', 'handle', describeClash(change.handle, clash));
    else
      add('pass', 'Handle', 'handle', `"${change.handle}" is free: not reserved, not taken, no look-alike`);
  }
  for (const word of reservedParts(change.handle, ctx.reserved))
    add('warn', 'Handle', 'handle', `contains the reserved word "${word}": check it is not impersonation`);

  const beforePrevious = scope.before?.previous_handles ?? [];
  value.previous_handles.forEach((prev, i) => {
    const field = `previous_handles[${i}]`;
    if (taken.includes(prev)) {
      add('error', 'Previous handles', field, `"${prev}" belongs to another storefront`);
    } else if (!beforePrevious.includes(prev)) {
      if (change.kind === 'renamed' && prev === change.fromHandle)
        add('pass', 'Previous handles', field, `renamed from "${prev}": its old links redirect here`);
      else
        add(
          ctx.isAdmin ? 'warn' : 'error',
          'Previous handles',
          field,
          `"${prev}" was never this storefront's handle; previous_handles may only gain the handle a file is renamed from`,
        );
    }
  });
  if (change.kind === 'renamed' && !value.previous_handles.includes(change.fromHandle))
    add(
      'error',
      'Previous handles',
      'previous_handles',
      `must list "${change.fromHandle}", the handle before the rename`,
    );

  // Tracking id: unique across every storefront at both revisions.
  const key = value.tracking_id.toLowerCase();
  const dup = [...ctx.head.influencers, ...ctx.base.influencers].find(
    ([p, i]) => !scope.own.has(p) && i.tracking_id.toLowerCase() === key,
  );
  if (dup) add('error', 'Tracking id', 'tracking_id', `"${value.tracking_id}" is already used by ${dup[0]}`);
  else add('pass', 'Tracking id', 'tracking_id', `"${value.tracking_id}" is unique`);
}

/** Who may change this file, what only an admin changes, what nobody changes (owners.ts). */
function ownerFindings(
  change: StorefrontChange,
  value: Member,
  ctx: PolicyContext,
  scope: StorefrontScope,
): Finding[] {
  const { before } = scope;
  const auth = { author: ctx.author, isAdmin: ctx.isAdmin, request: ctx.request ?? null };
  return [
    ownershipFinding(change, before, value, auth),
    ...adminFieldFindings(before, value, ctx.isAdmin),
    ...identityFindings(before, value, ctx.today),
    // A signed request's file was written (and dated) by the worker on the day of the application,
    // which may be days before its pull request is vetted.
    ...(before === null && !ctx.isAdmin && !signedRequestFor(ctx, change.handle)
      ? newFileHistoryFindings(value, ctx.today)
      : []),
    ...sharedTrackingIdFindings(before, value, scope.others, ctx.isAdmin),
  ];
}

/** Links: free text may only link to retailer hosts, and even those bypass tracking. Returns the products used. */
function linkFindings(value: Member, ctx: PolicyContext, add: Add): Product[] {
  const retailerHosts = ctx.head.retailers.flatMap((r) => r.hosts);
  const ownSite = value.program === 'associate' ? new URL(value.website).hostname : null;
  let links = 0;
  for (const { field, text } of freeText(value)) {
    for (const host of linkHosts(text)) {
      // An associate may name its own website.
      if (ownSite !== null && sameSite(host, ownSite)) continue;
      links++;
      if (retailerHosts.some((h) => onDomain(host, h)))
        add('warn', 'Links', field, `raw link to ${host} bypasses tracked links; list the product instead`);
      else
        add(
          'error',
          'Links',
          field,
          `links to ${host}, which is not an allowed retailer host (allowed: ${retailerHosts.join(', ')})`,
        );
    }
  }
  const usedProducts = storefrontProductIds(value).flatMap((id) => {
    const p = ctx.head.products.get(id);
    return p ? [p] : [];
  });
  if (links === 0)
    add(
      'pass',
      'Links',
      '(file)',
      `no links in text; ${usedProducts.length} product link(s), each on its retailer's allowed hosts`,
    );
  return usedProducts;
}

/** Disclosure: every retailer linked from the storefront has its disclosure text. */
function disclosureFindings(usedProducts: readonly Product[], ctx: PolicyContext, add: Add): void {
  const retailerIds = [...new Set(usedProducts.map((p) => p.retailer))];
  const missing = retailerIds.filter(
    (id) => (ctx.head.retailers.find((r) => r.id === id)?.disclosure.trim() ?? '') === '',
  );
  if (missing.length > 0)
    add('error', 'Disclosure', '(file)', `no disclosure text for retailer(s) ${missing.join(', ')}`);
  else if (retailerIds.length === 0)
    add('pass', 'Disclosure', '(file)', "no retailer links yet; each page shows its retailers' disclosure");
  else add('pass', 'Disclosure', '(file)', `shown on every page: ${retailerIds.join(', ')}`);
}

/**
 * Profiles on the platform they claim: a profile link is shown on the storefront, so a link to
 * any other host would be a link the platform vouches for (blogs, newsletters and podcasts may
 * live on any https host).
 */
function profileFindings(value: Influencer, add: Add): void {
  value.socials.forEach((s, i) => {
    if (!socialHostMatches(s.platform, s.url))
      add(
        'error',
        'Profiles',
        `socials[${i}].url`,
        `${new URL(s.url).hostname} is not on ${s.platform}'s site (${platformDomains(s.platform)}); link the ${s.platform} profile itself`,
      );
  });
}

function platformDomains(platform: string): string {
  return (PLATFORM_DOMAINS[platform] ?? []).join(' or ');
}

/** A new member picks a program; moving an existing one changes its rates, so only an admin may. */
export function programFinding(
  before: Member['program'] | null,
  after: Member['program'],
  isAdmin: boolean,
): Finding {
  const check = 'Program';
  const field = 'program';
  if (before === null) return { level: 'pass', check, field, message: `applies to the ${after} program` };
  if (before === after) return { level: 'pass', check, field, message: `unchanged (${after})` };
  if (isAdmin) return { level: 'pass', check, field, message: `${before} → ${after}, set by an admin` };
  return {
    level: 'error',
    check,
    field,
    message: `changed from ${before} to ${after}; ${ADMIN_ONLY} may move a member between programs (it changes the rates)`,
  };
}

/**
 * An associate links from its own website to any product, so every retailer
 * needs its disclosure text, and the site must be a site of its own with its own
 * disclosure page.
 */
function associatePolicy(value: Extract<Member, { program: 'associate' }>, ctx: PolicyContext): Finding[] {
  const { findings, add } = collector();
  const host = new URL(value.website).hostname;
  const retailer = ctx.head.retailers.find((r) => r.hosts.some((h) => sameSite(host, h)));
  const platform = socialPlatformOf(host);
  if (retailer)
    add('error', 'Website', 'website', `${host} is ${retailer.name}'s site, not a publisher's own`);
  else if (platform)
    add(
      'warn',
      'Website',
      'website',
      `${host} is ${platform}: a social profile; apply as an influencer (socials) instead?`,
    );
  else add('pass', 'Website', 'website', `${host}, its own site`);

  const missing = ctx.head.retailers.filter((r) => r.disclosure.trim() === '').map((r) => r.id);
  if (missing.length > 0)
    add('error', 'Disclosure', '(file)', `no disclosure text for retailer(s) ${missing.join(', ')}`);
  const page = new URL(value.disclosure_url).hostname;
  if (!sameSite(page, host))
    add(
      'warn',
      'Disclosure',
      'disclosure_url',
      `${page} is not on ${host}: the disclosure should be on the site itself`,
    );
  else add('pass', 'Disclosure', 'disclosure_url', `disclosure page on the site: ${value.disclosure_url}`);
  return findings;
}

/** Rules about the pull request as a whole: admin-only files and removals. */
export function pullRequestPolicy(
  files: FileChanges,
  removedStorefronts: readonly { path: string; handle: string }[],
  isAdmin: boolean,
): (Finding & { file: string })[] {
  const out: (Finding & { file: string })[] = [];
  const touched = [...files.added, ...files.modified, ...files.removed];
  for (const file of ADMIN_FILES.filter((f) => touched.includes(f)))
    out.push({
      file,
      level: isAdmin ? 'pass' : 'error',
      check: 'Program files',
      field: '(file)',
      message: isAdmin
        ? 'changed by an admin'
        : `${ADMIN_ONLY} may change program settings, retailers or rates`,
    });
  // Member files are never deleted, not even by an admin (section 13): balances, payouts and the
  // history of a member outlive its membership.
  for (const { path } of removedStorefronts)
    out.push({
      file: path,
      level: 'error',
      check: 'Removal',
      field: '(file)',
      message:
        'member files are never deleted: a member leaves by status: suspended (set by an admin); to rename, move the file and list the old handle in previous_handles',
    });
  return out;
}
