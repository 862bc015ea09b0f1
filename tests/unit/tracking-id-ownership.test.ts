/**
 * A tracking id belongs to one member for good (domain/content/tracking-ids.ts): unique across
 * members over every id each ever held (tracking_id, tracking_ids, every dated history entry).
 * The security reviewer's sequence on the sample content (content/), edited in memory:
 *   1. trailmix-tom moves his home id from trailmixtom-20 to trailmixtom2-20 (a dated entry);
 *   2. biscuit-and-bean claims trailmixtom-20 at amazon-ca (with a dated entry);
 *   3. an amazon-us order arrives with trailmixtom-20 (Tom's old links).
 * Before the rule, step 2 validated and the webhook credited the order to biscuit-and-bean.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEntry, Member } from '../../domain/content/schema.ts';
import { formatError, validateContent, type Content } from '../../domain/content/validate.ts';
import { planOrder } from '../../domain/orders/apply.ts';
import { parseOrderEvent } from '../../domain/orders/event.ts';
import { withMarketplace } from '../../domain/orders/marketplace.ts';
import { buildProgramTable, programFromTable } from '../../domain/orders/program-table.ts';
import { readContentSources } from '../../build/load-content.ts';

const ROOT = 'content';
const TOM = `${ROOT}/influencers/trailmix-tom.yaml`;
const BISCUIT = `${ROOT}/influencers/biscuit-and-bean.yaml`;
const PIXEL = `${ROOT}/influencers/pixel-desk.yaml`;

type Sources = ReturnType<typeof readContentSources>;

function memberFile(sources: Sources, path: string): Member {
  const file = sources.influencers.find((f) => f.path === path);
  if (!file || !('data' in file)) throw new Error(`no parsed ${path}`);
  return file.data as Member;
}

/** Adds a dated entry and makes the file's fields say the same. */
function change(sources: Sources, path: string, entry: HistoryEntry): void {
  const m = memberFile(sources, path);
  m.history = [...(m.history ?? []), entry];
  if (entry.tracking_id === undefined) return;
  if (entry.marketplace === undefined) m.tracking_id = entry.tracking_id;
  else m.tracking_ids = { ...m.tracking_ids, [entry.marketplace]: entry.tracking_id };
}

/** Step 1: Tom's new home id, dated. */
function tomMoves(): Sources {
  const sources = readContentSources(ROOT);
  change(sources, TOM, { on: '2026-07-01', tracking_id: 'trailmixtom2-20' });
  return sources;
}

function errorsOf(sources: Sources): string[] {
  return validateContent(sources).errors.map(formatError);
}

/** Step 3: who an amazon-us webhook order with Tom's old id is credited to under this content. */
function creditedTo(content: Content): string | null {
  const program = programFromTable(buildProgramTable(content));
  const parsed = parseOrderEvent({
    type: 'order.placed',
    order_id: 'o-old-tag',
    ordered_at: '2026-09-03T14:22:10Z',
    occurred_at: '2026-09-03T14:22:10Z',
    tracking_id: 'trailmixtom-20',
    currency: 'USD',
    items: [{ product_id: 'B00006JSUA', category: 'kitchen', quantity: 1, unit_price: 50000 }],
  });
  if (!parsed.ok) throw new Error('the order event does not parse');
  const located = withMarketplace(parsed.event, program.table);
  if (!located.ok) throw new Error('the order event has no marketplace');
  const plan = planOrder({
    program,
    stored: [],
    current: [],
    knownIds: new Set(),
    clicks: new Map(),
    terms: null,
    incoming: [
      { event_id: 'e1', source: 'webhook', body: '{}', received_at: Date.now(), event: located.event },
    ],
  });
  return plan.orderTerms[0]?.handle ?? null;
}

const FOR_GOOD = 'a tracking id belongs to one member for good';

describe('a tracking id belongs to one member for good (security review)', () => {
  it("refuses another member's claim of a former id, and the order is not credited to the claimer", () => {
    // Step 1 alone is fine: the old id is nobody's now, so its orders are unattributed.
    const moved = tomMoves();
    expect(errorsOf(moved)).toEqual([]);
    const accepted = validateContent(moved).content!;
    expect(creditedTo(accepted)).toBeNull();

    // Step 2: refused, naming the claimer's file and field and the member who held it.
    const claimed = tomMoves();
    change(claimed, BISCUIT, { on: '2026-08-01', marketplace: 'amazon-ca', tracking_id: 'trailmixtom-20' });
    const result = validateContent(claimed);
    expect(result.errors.map(formatError)).toEqual([
      `${BISCUIT}: tracking_ids.amazon-ca: "trailmixtom-20" was trailmix-tom's (history of ${TOM}); ${FOR_GOOD}`,
    ]);
    // No content, so no build, deploy or program table from it: the order stays unattributed
    // under the content last accepted (step 1), never credited to biscuit-and-bean.
    expect(result.content).toBeNull();
    expect(creditedTo(accepted)).not.toBe('biscuit-and-bean');
  });

  it('compares without case, and holds whichever file comes first', () => {
    const claimed = tomMoves();
    // biscuit-and-bean's file is read before trailmix-tom's: the earlier holder still wins.
    change(claimed, BISCUIT, { on: '2026-08-01', tracking_id: 'TrailmixTom-20' });
    expect(errorsOf(claimed)).toEqual([
      `${BISCUIT}: tracking_id: "TrailmixTom-20" was trailmix-tom's (history of ${TOM}); ${FOR_GOOD}`,
    ]);
  });

  it('refuses an id held only in history, and an associate claiming it', () => {
    const claimed = tomMoves();
    // Held at amazon-ca for a month, then given up: still a claim on the old links' orders.
    change(claimed, BISCUIT, { on: '2026-08-01', marketplace: 'amazon-ca', tracking_id: 'trailmixtom-20' });
    change(claimed, BISCUIT, { on: '2026-09-01', marketplace: 'amazon-ca', tracking_id: 'biscuitbean0c-20' });
    change(claimed, PIXEL, { on: '2026-08-02', marketplace: 'amazon-uk', tracking_id: 'trailmixtom-20' });
    const history = memberFile(claimed, BISCUIT).history!.length - 2;
    expect(errorsOf(claimed)).toEqual([
      `${BISCUIT}: history[${history}].tracking_id: "trailmixtom-20" was trailmix-tom's (history of ${TOM}); ${FOR_GOOD}`,
      `${PIXEL}: tracking_ids.amazon-uk: "trailmixtom-20" was trailmix-tom's (history of ${TOM}); ${FOR_GOOD}`,
    ]);
  });

  it("refuses a new member's history naming a current holder's id, on the later holder", () => {
    const sources = readContentSources(ROOT);
    // biscuit-and-bean held Tom's current amazon-ca id before moving on; Tom has held it since 2026-06-01.
    change(sources, BISCUIT, { on: '2026-08-01', marketplace: 'amazon-ca', tracking_id: 'TRAILMIXTOM0C-20' });
    change(sources, BISCUIT, { on: '2026-08-02', marketplace: 'amazon-ca', tracking_id: 'biscuitbean0c-20' });
    const history = memberFile(sources, BISCUIT).history!.length - 2;
    expect(errorsOf(sources)).toEqual([
      `${BISCUIT}: history[${history}].tracking_id: "TRAILMIXTOM0C-20" is trailmix-tom's (tracking_ids.amazon-ca of ${TOM}); ${FOR_GOOD}`,
    ]);
  });

  it('lets a member re-use its own old id, at its home or another marketplace', () => {
    const back = tomMoves();
    change(back, TOM, { on: '2026-08-01', tracking_id: 'trailmixtom-20' });
    expect(errorsOf(back)).toEqual([]);
    expect(creditedTo(validateContent(back).content!)).toBe('trailmix-tom');

    const elsewhere = tomMoves();
    change(elsewhere, TOM, { on: '2026-08-01', marketplace: 'amazon-uk', tracking_id: 'TrailMixTom-20' });
    expect(errorsOf(elsewhere)).toEqual([]);
  });

  it('keeps the sample content valid', () => {
    expect(errorsOf(readContentSources(ROOT))).toEqual([]);
  });
});
