/**
 * Validates a whole program of content at once: each file against its schema,
 * then the rules that span files. Pure: takes parsed documents, returns the
 * typed content or every error as `file: field: message`.
 */
import type { z } from 'zod';
import { fieldPath, type FileIssue } from '../issues.ts';
import { marketplaceErrors } from './marketplaces.ts';
import {
  associate,
  commissionRatesFile,
  influencer,
  member,
  product,
  programFile,
  retailersFile,
  type Influencer,
  type Member,
  type Product,
  type ProgramFile,
  type RateTable,
  type Retailer,
} from './schema.ts';
import { historyProblem } from './history.ts';
import { memberId } from './members.ts';
import { trackingIdOwnerErrors } from './tracking-ids.ts';

/** Handles that would shadow a route of the site or worker. */
export const ROUTE_HANDLES = [
  'admin', 'api', 'apply', 'assets', 'dashboard', 'go', 'healthz', 'login', 'logout',
  'shop', 'sitemap', 'static', 'webhooks', 'www', '404', '_astro',
];

/** List slugs a storefront's own pages use (CONTRACT section 17: `/shop/<handle>/search/`). */
export const RESERVED_LIST_SLUGS: readonly string[] = ['search'];

/** What is wrong with a content file: the one Issue type addressed by file and field (domain/issues.ts). */
export type ContentError = FileIssue;

export function formatError(error: ContentError): string {
  return `${error.file}: ${error.field}: ${error.message}`;
}

/** One file as read from disk: parsed data, or where its YAML broke. */
export type SourceFile =
  | { path: string; data: unknown }
  | { path: string; syntaxError: { line: number; column: number; message: string } };

export interface ContentSources {
  program: SourceFile;
  retailers: SourceFile;
  rates: SourceFile;
  /** Read once, in order; a generator keeps only one file's parse tree alive at a time (the build). */
  influencers: Iterable<SourceFile>;
  products: Iterable<SourceFile>;
  /**
   * Every file under the site's public images folder, as URL paths ("/images/avatars/x.png").
   * When given, a self-hosted image reference must name one of them.
   */
  publicImages?: ReadonlySet<string>;
}

/** The public folder's images, as served: an image path must start with this. */
export const PUBLIC_IMAGES = '/images/';

/** Paths the worker serves. An image there would be a request to the worker: a tracked "click", an API call. */
export const WORKER_ROUTES = ['/go/', '/api/', '/webhooks/', '/dashboard', '/healthz'];

/**
 * Why an image reference is not allowed, or null (CONTRACT.md section 9): a path
 * under the public images folder that exists and is not a worker route, or an
 * https URL on one of `hosts` (the retailer's image hosts). Anything else would
 * make every shopper's browser contact a third party, or fire a tracked link.
 */
export function imageRefProblem(
  ref: string,
  hosts: readonly string[],
  whose: string,
  publicImages: ReadonlySet<string> | undefined,
): string | null {
  if (/^https:/i.test(ref)) {
    const host = URL.canParse(ref) ? new URL(ref).hostname : '';
    if (hosts.includes(host)) return null;
    return (
      `host "${host}" is not an image host of ${whose} (${hosts.length > 0 ? `listed: ${hosts.join(', ')}` : 'none listed'}); ` +
      `every shopper's browser would contact it. Host the image under ${PUBLIC_IMAGES} or ask an admin to list the host under image_hosts in content/retailers.yaml`
    );
  }
  const lower = ref.toLowerCase();
  const route = WORKER_ROUTES.find((r) => {
    const bare = r.replace(/\/$/, '');
    return lower === bare || lower.startsWith(`${bare}/`);
  });
  if (route) return `"${ref}" is a route the worker serves (${route}), not an image: every page view would request it`;
  if (!ref.startsWith(PUBLIC_IMAGES)) return `must be a path under ${PUBLIC_IMAGES} (site/public${PUBLIC_IMAGES}) or an https URL`;
  if (ref.split('/').some((part, i) => i > 0 && (part === '' || part === '.' || part === '..')))
    return 'must not contain empty, "." or ".." path segments';
  if (publicImages && !publicImages.has(ref)) return `no file site/public${ref}`;
  return null;
}

export interface Content {
  program: ProgramFile;
  retailers: Retailer[];
  rates: Record<string, RateTable[]>;
  /** Every member file under content/influencers/, influencers and associates alike. */
  influencers: Member[];
  products: Product[];
}

/** The file name without folder and ".yaml"/".yml". */
export function baseName(path: string): string {
  return path.replace(/^.*\//, '').replace(/\.ya?ml$/, '');
}

type Push = (file: string, field: string, message: string) => void;

/** One file against its schema: the typed value, or null with its errors pushed. */
function parseFile<S extends z.ZodType>(schema: S, source: SourceFile, push: Push): z.output<S> | null {
  if ('syntaxError' in source) {
    const { line, column, message } = source.syntaxError;
    push(source.path, `line ${line}, column ${column}`, `YAML syntax error: ${message}`);
    return null;
  }
  const result = schema.safeParse(source.data, { reportInput: true });
  if (result.success) return result.data;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        push(source.path, fieldPath([...issue.path, key]), `unknown key${issue.path.length === 0 ? programHint(schema, source.data, key) : ''}`);
    } else {
      push(source.path, fieldPath(issue.path), describe(issue));
    }
  }
  return null;
}

interface Parsed<T> {
  path: string;
  value: T | null;
}

/** What the cross-file rules read: the parsed files and the lookups built from them. */
interface CrossContext {
  sources: ContentSources;
  program: ProgramFile | null;
  retailers: Retailer[] | null;
  categoryIds: Set<string>;
  retailerById: Map<string, Retailer>;
  productById: Map<string, Product>;
  /** A product id that names no product (one whose own file failed is reported there once, not again). */
  isMissing: (id: string) => boolean;
  push: Push;
}

export function validateContent(sources: ContentSources): { content: Content | null; errors: ContentError[] } {
  const errors: ContentError[] = [];
  const push: Push = (file, field, message) => errors.push({ file, field, message });

  const program = parseFile(programFile, sources.program, push);
  const retailers = parseFile(retailersFile, sources.retailers, push)?.retailers ?? null;
  const rates = parseFile(commissionRatesFile, sources.rates, push)?.retailers ?? null;
  const influencers = Array.from(sources.influencers, (s) => ({ path: s.path, value: parseFile(member, s, push) }));
  const products = Array.from(sources.products, (s) => ({ path: s.path, value: parseFile(product, s, push) }));

  // Orders are attributed to stored clicks: raw clicks must outlive the attribution window.
  if (program && program.click_retention_days * 24 < program.attribution_window_hours)
    push(
      sources.program.path,
      'click_retention_days',
      `must cover the attribution window (${program.attribution_window_hours} hours = ${Math.ceil(program.attribution_window_hours / 24)} days)`,
    );

  const productById = new Map<string, Product>();
  const brokenProducts = new Set(products.filter((p) => !p.value).map((p) => baseName(p.path)));
  const ctx: CrossContext = {
    sources,
    program,
    retailers,
    categoryIds: new Set(program?.categories.map((c) => c.id)),
    retailerById: new Map(retailers?.map((r) => [r.id, r])),
    productById,
    isMissing: (id) => !productById.has(id) && !brokenProducts.has(id),
    push,
  };
  checkRetailers(ctx, rates);
  for (const p of products) if (p.value) checkProduct(ctx, p.path, p.value);
  checkMembers(ctx, influencers);

  // Marketplaces (section 14): countries, search URLs, tracking ids and product URLs per marketplace.
  errors.push(...marketplaceErrors({ retailersPath: sources.retailers.path, retailers, influencers, products }));
  // A tracking id is one member's for good: current ids and every dated history entry's.
  errors.push(...trackingIdOwnerErrors(influencers));

  if (errors.length > 0 || !program || !retailers || !rates) return { content: null, errors: byFile(errors) };
  return {
    content: {
      program,
      retailers,
      rates,
      influencers: influencers.flatMap((i) => (i.value ? [i.value] : [])),
      products: products.flatMap((p) => (p.value ? [p.value] : [])),
    },
    errors,
  };
}

/** Grouped by file, in the order found within a file. */
function byFile(errors: ContentError[]): ContentError[] {
  return errors
    .map((e, i) => ({ e, i }))
    .sort((a, b) => a.e.file.localeCompare(b.e.file) || a.i - b.i)
    .map(({ e }) => e);
}

/** Retailers: unique ids, and every one has a rate table (one per day and program, known categories). */
function checkRetailers(ctx: CrossContext, rates: Record<string, RateTable[]> | null): void {
  const { sources, retailers, push } = ctx;
  retailers?.forEach((r, i) => {
    if (retailers.findIndex((o) => o.id === r.id) !== i)
      push(sources.retailers.path, `retailers[${i}].id`, `duplicate retailer id "${r.id}"`);
  });
  if (!rates || !retailers) return;
  for (const r of retailers)
    if (!rates[r.id]) push(sources.rates.path, 'retailers', `no rate table for retailer "${r.id}"`);
  for (const [retailerId, tables] of Object.entries(rates)) {
    if (!ctx.retailerById.has(retailerId))
      push(sources.rates.path, `retailers.${retailerId}`, `unknown retailer "${retailerId}"`);
    // One table per day and program: a shared table and a program's own may share a day.
    const seen = new Set<string>();
    tables.forEach((table, t) => {
      const key = `${table.effective_from} ${table.program ?? ''}`;
      if (seen.has(key))
        push(
          sources.rates.path,
          `retailers.${retailerId}[${t}].effective_from`,
          `two ${table.program ? `${table.program} ` : 'shared '}tables start on ${table.effective_from}`,
        );
      seen.add(key);
      for (const cat of Object.keys(table.rates))
        if (ctx.program && !ctx.categoryIds.has(cat))
          push(sources.rates.path, `retailers.${retailerId}[${t}].rates.${cat}`, `unknown category "${cat}"`);
    });
  }
}

/** One product file: its id, category, retailer, URL, image, currency and marketplaces. */
function checkProduct(ctx: CrossContext, path: string, value: Product): void {
  const { push } = ctx;
  if (value.id !== baseName(path)) push(path, 'id', `must equal the file name "${baseName(path)}"`);
  if (ctx.productById.has(value.id)) push(path, 'id', `duplicate product id "${value.id}"`);
  ctx.productById.set(value.id, value);
  if (ctx.program && !ctx.categoryIds.has(value.category))
    push(path, 'category', `unknown category "${value.category}" (see content/program.yaml)`);
  const retailer = ctx.retailerById.get(value.retailer);
  if (!retailer) {
    if (ctx.retailers) push(path, 'retailer', `unknown retailer "${value.retailer}"`);
    return;
  }
  // The shopper gets this URL byte for byte (only the tags are set), so it must be sendable as written.
  if (!/^[\x21-\x7e]+$/.test(value.url))
    push(path, 'url', 'must be written percent-encoded: no spaces, control or non-ASCII characters');
  const imageProblem = imageRefProblem(value.image, retailer.image_hosts, `retailer "${retailer.id}"`, ctx.sources.publicImages);
  if (imageProblem) push(path, 'image', imageProblem);
  const host = new URL(value.url).hostname;
  if (!retailer.hosts.includes(host))
    push(path, 'url', `host "${host}" is not allowed for retailer "${retailer.id}" (allowed: ${retailer.hosts.join(', ')})`);
  if (value.currency !== retailer.currency)
    push(path, 'currency', `must be ${retailer.currency}, the currency of retailer "${retailer.id}"`);
  for (const market of Object.keys(value.markets ?? {}))
    if (!ctx.retailerById.has(market)) push(path, `markets.${market}`, `unknown marketplace "${market}" (see content/retailers.yaml)`);
}

/** What the member rules share across files: handles and tracking ids taken so far. */
interface MemberContext {
  reserved: Set<string>;
  byTracking: Map<string, string>;
  currentHandles: Set<string>;
  previousOwner: Map<string, string>;
  anyImageHost: string[];
  idOwner: Map<string, string>;
}

/** Every member file: identity, avatar, handle, tracking id, previous handles, categories, products. */
function checkMembers(ctx: CrossContext, influencers: readonly Parsed<Member>[]): void {
  const currentHandles = new Set(influencers.flatMap((i) => (i.value ? [i.value.handle] : [])));
  const members: MemberContext = {
    reserved: new Set([...ROUTE_HANDLES, ...(ctx.program?.reserved_handles ?? [])].map((h) => h.toLowerCase())),
    byTracking: new Map(),
    currentHandles,
    previousOwner: new Map(),
    anyImageHost: [...new Set(ctx.retailers?.flatMap((r) => r.image_hosts) ?? [])],
    idOwner: new Map(),
  };
  for (const { path, value } of influencers) {
    if (!value) continue;
    const { retailers, retailerById, push } = ctx;
    checkIdentity(value, path, { retailers, retailerById, currentHandles, idOwner: members.idOwner, push });
    checkHandles(ctx, members, path, value);
    value.categories.forEach((cat, i) => {
      if (ctx.program && !ctx.categoryIds.has(cat)) push(path, `categories[${i}]`, `unknown category "${cat}"`);
    });
    if (value.program !== 'associate') checkShelves(ctx, path, value);
  }
}

/** A member's avatar, handle, tracking id and previous handles. */
function checkHandles(ctx: CrossContext, members: MemberContext, path: string, value: Member): void {
  const { push } = ctx;
  const { reserved } = members;
  const avatarProblem = imageRefProblem(value.avatar, members.anyImageHost, 'any retailer', ctx.sources.publicImages);
  if (avatarProblem) push(path, 'avatar', avatarProblem);
  if (value.handle !== baseName(path)) push(path, 'handle', `must equal the file name "${baseName(path)}"`);
  if (reserved.has(value.handle)) push(path, 'handle', `"${value.handle}" is reserved`);
  const trackingKey = value.tracking_id.toLowerCase();
  const other = members.byTracking.get(trackingKey);
  if (other) push(path, 'tracking_id', `"${value.tracking_id}" is already used by ${other}`);
  else members.byTracking.set(trackingKey, path);
  value.previous_handles.forEach((old, i) => {
    const field = `previous_handles[${i}]`;
    if (old === value.handle) push(path, field, 'is the current handle');
    else if (reserved.has(old)) push(path, field, `"${old}" is reserved`);
    else if (members.currentHandles.has(old)) push(path, field, `"${old}" is the current handle of another storefront`);
    else if (members.previousOwner.has(old))
      push(path, field, `"${old}" is already a previous handle of ${members.previousOwner.get(old)}`);
    else members.previousOwner.set(old, path);
  });
}

/** An influencer's featured products and lists: known products, unique and unreserved slugs. */
function checkShelves(ctx: CrossContext, path: string, value: Influencer): void {
  const { push, isMissing } = ctx;
  value.featured.forEach((id, i) => {
    if (isMissing(id)) push(path, `featured[${i}]`, `unknown product "${id}"`);
  });
  const slugs = new Set<string>();
  value.lists.forEach((l, i) => {
    if (slugs.has(l.slug)) push(path, `lists[${i}].slug`, `duplicate list slug "${l.slug}"`);
    if (RESERVED_LIST_SLUGS.includes(l.slug))
      push(path, `lists[${i}].slug`, `"${l.slug}" is reserved (the storefront's /shop/<handle>/${l.slug}/ page)`);
    slugs.add(l.slug);
    l.items.forEach((item, j) => {
      if (isMissing(item.product)) push(path, `lists[${i}].items[${j}].product`, `unknown product "${item.product}"`);
    });
  });
}

interface IdentityContext {
  retailers: Retailer[] | null;
  retailerById: Map<string, Retailer>;
  currentHandles: Set<string>;
  idOwner: Map<string, string>;
  push: (file: string, field: string, message: string) => void;
}

/**
 * The round-3 identity rules of one member file (docs/decisions.md): it names its owner, its id is
 * its own, its history ends where the file stands, and the marketplaces it names exist.
 */
function checkIdentity(value: Member, path: string, ctx: IdentityContext): void {
  const { push } = ctx;
  if ((value.github === undefined) === (value.owner === undefined))
    push(path, value.github === undefined ? 'github' : 'owner', value.github === undefined
      ? 'every member names its owner: a GitHub login under github, or owner: self for a member who applied on the web'
      : 'name the owner once: github or owner: self, not both');
  const id = memberId(value);
  const other = ctx.idOwner.get(id);
  if (other) push(path, 'id', `"${id}" is already the member id of ${other}`);
  else ctx.idOwner.set(id, path);
  if (value.id !== undefined && value.id !== value.handle && !value.previous_handles.includes(value.id) && ctx.currentHandles.has(value.id))
    push(path, 'id', `"${value.id}" is the handle of another member`);
  if (value.review && value.status !== 'approved') push(path, 'review', 'applies to approved members only');
  if (!ctx.retailers) return;
  const known = (id: string) => ctx.retailerById.has(id);
  for (const market of Object.keys(value.tracking_ids ?? {}))
    if (!known(market)) push(path, `tracking_ids.${market}`, `unknown marketplace "${market}" (see content/retailers.yaml)`);
  value.history?.forEach((entry, i) => {
    if (entry.marketplace !== undefined && !known(entry.marketplace))
      push(path, `history[${i}].marketplace`, `unknown marketplace "${entry.marketplace}"`);
  });
  const problem = historyProblem(value, ctx.retailers[0]!.id);
  if (problem) push(path, problem.field, problem.message);
}

/** Why a key is unknown when it belongs to the other program's files. */
function programHint(schema: z.ZodType, data: unknown, key: string): string {
  if (schema !== member) return '';
  const program = data && typeof data === 'object' && 'program' in data ? data.program : 'influencer';
  if (program === 'associate' && Object.hasOwn(influencer.shape, key))
    return ' (associates have a website instead of socials, featured and lists)';
  if (program !== 'associate' && Object.hasOwn(associate.shape, key))
    return ' (only associates have it: add "program: associate")';
  return '';
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  if (issue.code === 'invalid_type' && issue.expected === 'string' && typeof issue.input === 'number')
    return `must be a string, got number ${issue.input}: put it in quotes (YAML reads 0694003611 as a number and drops the leading zero)`;
  if (issue.code === 'invalid_type') return `must be ${article(issue.expected)}, got ${typeName(issue.input)}`;
  return issue.message;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return `${typeof value} ${JSON.stringify(value)}`;
}
