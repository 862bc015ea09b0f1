/**
 * Link health (CONTRACT.md section 17, `npm run links:check`): what a product's link is worth
 * today, from the retailer's product API where it has one, else plain HTTP where its entry
 * allows it (`link_check: http`), never by scraping Amazon's pages.
 *
 * States:  ok       the product answers where its file says
 *          moved    it answers at another address (HTTP: a permanent redirect, 301/308;
 *                   API: the product now has another id)
 *          dead     the retailer says it is gone (HTTP 404/410; API: not found or not accessible)
 *          blocked  the retailer refused to answer a robot (HTTP 401/403/429 after retries)
 *          error    no answer after every retry (timeouts, 5xx, network)
 *          skipped  no permitted way to check (Amazon without a product-data source; a retailer
 *                   without `link_check: http`)
 * Only `dead` products are marked `available: false` by `--write`; the others are reported.
 */

export type LinkState = 'ok' | 'moved' | 'dead' | 'blocked' | 'error' | 'skipped';

export interface LinkVerdict {
  product: string;
  retailer: string;
  url: string;
  state: LinkState;
  /** Where a moved product is now (a URL or a product id). */
  to?: string;
  /** Why, in a few words (HTTP status, API error code, what was skipped). */
  detail: string;
}

/** What a product-data source (Amazon's product API, or a recording of it) says about one id. */
export type ProductAnswer =
  { kind: 'found'; id: string } | { kind: 'missing'; reason: string } | { kind: 'unknown'; reason: string };

/**
 * A source of product data by product id, for retailers with a product API. The link check uses
 * it (scripts/lib/links-check/); the product-data refresh (`npm run catalog:refresh`) may share it.
 * Implementations: a recorded fixture (scripts/lib/links-check/fixture-source.ts), offline;
 * Amazon's Creators API when credentials are set.
 */
export interface ProductDataSource {
  /** Shown in the report, e.g. "fixture tests/fixtures/product-data/amazon.json". */
  readonly name: string;
  /** Ids asked at once (Amazon's GetItems takes 10). */
  readonly batchSize: number;
  lookup(ids: readonly string[]): Promise<Map<string, ProductAnswer>>;
}

/** A product-data answer as a verdict. */
export function verdictFromAnswer(
  base: Omit<LinkVerdict, 'state' | 'detail' | 'to'>,
  answer: ProductAnswer | undefined,
  source: string,
): LinkVerdict {
  if (!answer) return { ...base, state: 'error', detail: `${source}: no answer for this id` };
  if (answer.kind === 'missing') return { ...base, state: 'dead', detail: `${source}: ${answer.reason}` };
  if (answer.kind === 'unknown') return { ...base, state: 'error', detail: `${source}: ${answer.reason}` };
  if (answer.id !== base.product)
    return { ...base, state: 'moved', to: answer.id, detail: `${source}: now ${answer.id}` };
  return { ...base, state: 'ok', detail: source };
}

/** One HTTP exchange's meaning. `permanent` is true when a 301/308 was followed on the way. */
export function verdictFromStatus(
  base: Omit<LinkVerdict, 'state' | 'detail' | 'to'>,
  status: number,
  finalUrl: string,
  permanent: boolean,
): LinkVerdict {
  const detail = `HTTP ${status}`;
  if (status >= 200 && status < 300)
    return permanent && finalUrl !== base.url
      ? { ...base, state: 'moved', to: finalUrl, detail: `${detail} after a permanent redirect` }
      : { ...base, state: 'ok', detail };
  if (status === 404 || status === 410) return { ...base, state: 'dead', detail };
  if (status === 401 || status === 403 || status === 429) return { ...base, state: 'blocked', detail };
  return { ...base, state: 'error', detail };
}

/**
 * Whether HTTP may be used on this host at all: never on Amazon's, whatever the content says. A
 * fully qualified name's trailing dots (`a.co.`, which resolves like `a.co`) are ignored.
 */
export function mayRequest(host: string): boolean {
  const name = host.replace(/\.+$/, '');
  return !/(?:^|\.)amazon\.[a-z.]+$|(?:^|\.)amzn\.[a-z]+$|(?:^|\.)a\.co$/i.test(name);
}

/** Counts by state, in a fixed order, for the report's summary line. */
export function tally(verdicts: readonly LinkVerdict[]): Record<LinkState, number> {
  const out: Record<LinkState, number> = { ok: 0, moved: 0, dead: 0, blocked: 0, error: 0, skipped: 0 };
  for (const v of verdicts) out[v.state]++;
  return out;
}
