/** An order event's marketplace (CONTRACT.md section 14, domain/orders/marketplace.ts) on the sample program. */
import { describe, expect, it } from 'vitest';
import { formatError } from '../../../domain/content/validate.ts';
import { planOrder, type IncomingEvent, type StoredEvent } from '../../../domain/orders/apply.ts';
import { parseOrderEvent, type OrderEvent } from '../../../domain/orders/event.ts';
import { withMarketplace } from '../../../domain/orders/marketplace.ts';
import { buildProgramTable, programFromTable } from '../../../domain/orders/program-table.ts';
import { loadContent } from '../../../build/load-content.ts';

const { content, errors } = loadContent('content');
if (!content) throw new Error(errors.map(formatError).join('\n'));
const program = programFromTable(buildProgramTable(content));

function parsed(extra: Record<string, unknown>): OrderEvent {
  const result = parseOrderEvent({
    type: 'order.placed',
    order_id: 'o-1',
    ordered_at: '2026-11-03T14:22:10Z',
    occurred_at: '2026-11-03T14:22:10Z',
    tracking_id: 'milacooks-21',
    currency: 'GBP',
    items: [{ product_id: 'B00006JSUA', category: 'kitchen', quantity: 1, unit_price: 1999 }],
    ...extra,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.event;
}

describe('withMarketplace', () => {
  it("continues with the marketplace as the event's retailer when its currency is the marketplace's", () => {
    const checked = withMarketplace(parsed({ marketplace: 'amazon-uk' }), program.table);
    expect(checked).toMatchObject({
      ok: true,
      event: { retailer: 'amazon-uk', marketplace: 'amazon-uk', currency: 'GBP' },
    });
    // Named with its retailer, the same.
    expect(
      withMarketplace(parsed({ retailer: 'amazon-us', marketplace: 'amazon-uk' }), program.table),
    ).toMatchObject({
      ok: true,
      event: { retailer: 'amazon-uk' },
    });
    // A marketplace named as the retailer is that marketplace, never re-read as the home one.
    expect(withMarketplace(parsed({ retailer: 'amazon-uk' }), program.table)).toMatchObject({
      ok: true,
      event: { retailer: 'amazon-uk', marketplace: 'amazon-uk' },
    });
    expect(withMarketplace(parsed({ retailer: 'amazon-uk', currency: 'USD' }), program.table)).toEqual({
      ok: false,
      reason: 'currency_mismatch',
      issues: [{ path: 'currency', message: 'must be GBP, the currency of marketplace amazon-uk' }],
    });
  });

  it('defaults to the home marketplace, whose currency the event must then be in', () => {
    expect(withMarketplace(parsed({ currency: 'USD' }), program.table)).toMatchObject({
      ok: true,
      event: { retailer: 'amazon-us', marketplace: 'amazon-us' },
    });
    expect(withMarketplace(parsed({}), program.table)).toEqual({
      ok: false,
      reason: 'currency_mismatch',
      issues: [
        {
          path: 'currency',
          message:
            'must be USD, the currency of marketplace amazon-us (the home marketplace of amazon-us; name another with "marketplace")',
        },
      ],
    });
  });

  it('refuses a currency not the named marketplace’s, and a marketplace outside the group, converting nothing', () => {
    expect(withMarketplace(parsed({ marketplace: 'amazon-de' }), program.table)).toEqual({
      ok: false,
      reason: 'currency_mismatch',
      issues: [{ path: 'currency', message: 'must be EUR, the currency of marketplace amazon-de' }],
    });
    expect(withMarketplace(parsed({ marketplace: 'amazon-jp' }), program.table)).toEqual({
      ok: false,
      reason: 'not_a_marketplace',
      issues: [
        {
          path: 'marketplace',
          message:
            '"amazon-jp" is not a marketplace of amazon-us (known: amazon-us, amazon-uk, amazon-de, amazon-ca)',
        },
      ],
    });
  });

  it('judges each program table by its own groups (built once per table, never shared)', () => {
    const event = parsed({ marketplace: 'amazon-uk' });
    expect(withMarketplace(event, program.table)).toMatchObject({ ok: true });
    // The same retailers, amazon-uk no longer in amazon-us's group: the groups are this table's.
    const { home: _, ...ukAlone } = program.table.retailers['amazon-uk']!;
    const split = { ...program.table, retailers: { ...program.table.retailers, 'amazon-uk': ukAlone } };
    expect(withMarketplace(event, split)).toEqual({
      ok: false,
      reason: 'not_a_marketplace',
      issues: [
        {
          path: 'marketplace',
          message: '"amazon-uk" is not a marketplace of amazon-us (known: amazon-us, amazon-de, amazon-ca)',
        },
      ],
    });
    // And the first table is still judged by its own groups.
    expect(withMarketplace(event, program.table)).toMatchObject({
      ok: true,
      event: { retailer: 'amazon-uk' },
    });
  });

  it('leaves an unknown retailer to admissionIssues', () => {
    const event = parsed({ retailer: 'nowhere', marketplace: 'amazon-uk' });
    expect(withMarketplace(event, program.table)).toEqual({ ok: true, event });
  });

  it("attributes a marketplace's tracking id to its member", () => {
    expect(program.handleOf('milacooks-21')).toBe('mila-cooks');
    expect(program.handleOf('MilaCooks0C-20')).toBe('mila-cooks');
    expect(program.handleOf('milacooks-20')).toBe('mila-cooks');
  });
});

describe("planOrder: the tracking id's marketplace is a rule of the event that decides the order's credit", () => {
  const incoming = (
    id: string,
    extra: Record<string, unknown>,
    source: IncomingEvent['source'] = 'webhook',
  ) => {
    const checked = withMarketplace(
      parsed({ tracking_id: 'milacooks-21', currency: 'USD', ...extra }),
      program.table,
    );
    if (!checked.ok) throw new Error(JSON.stringify(checked.issues));
    return { event_id: id, source, body: '{}', received_at: 0, event: checked.event };
  };
  const planInput = (events: IncomingEvent[], stored: StoredEvent[] = [], known: string[] = []) => ({
    program,
    stored,
    current: [],
    incoming: events,
    knownIds: new Set(known),
    clicks: new Map(),
    terms: null,
  });
  const plan = (events: IncomingEvent[], stored: StoredEvent[] = [], known: string[] = []) =>
    planOrder(planInput(events, stored, known));
  const termsOf = (p: ReturnType<typeof planOrder>) => ({
    order: p.orderTerms[0]!,
    lines: new Map(p.lineTerms.map((l) => [l.product_id, l])),
  });
  /** The sample program as it was before content knew `trackingId` (no member held it anywhere). */
  const without = (trackingId: string) => {
    const table = structuredClone(program.table);
    const other = ([, id]: [string, string]) => id !== trackingId;
    for (const i of Object.values(table.influencers))
      if (i.tracking_ids) i.tracking_ids = Object.fromEntries(Object.entries(i.tracking_ids).filter(other));
    for (const m of table.credit) {
      if (m.tracking_ids) m.tracking_ids = Object.fromEntries(Object.entries(m.tracking_ids).filter(other));
      if (m.history) m.history = m.history.filter((e) => e.tracking_id !== trackingId);
    }
    return programFromTable(table);
  };

  it("refuses a new order's events whose id is another marketplace's, nothing planned; a known id is a duplicate first", () => {
    const placed = incoming('e-1', {});
    const shipped = incoming('e-2', { type: 'order.shipped', occurred_at: '2026-11-05T10:00:00Z' });
    const refused = plan([placed, shipped]);
    expect(refused.events).toEqual([]);
    expect(refused.entries).toEqual([]);
    for (const id of ['e-1', 'e-2'])
      expect(refused.outcomes.get(id)).toMatchObject({
        status: 'rejected',
        reason: 'other_marketplace',
        issues: [
          {
            path: 'tracking_id',
            message: expect.stringMatching(
              /^"milacooks-21" is a tracking id of amazon-uk, not of amazon-us \(the marketplace of this event\)/,
            ),
          },
        ],
      });
    // An export's row is worded as a statement's row left out.
    expect(plan([incoming('e-3', {}, 'amazon_report')]).outcomes.get('e-3')).toMatchObject({
      issues: [{ message: expect.stringMatching(/\(the marketplace of this import\): row left out; /) }],
    });
    expect(plan([placed], [], ['e-1']).outcomes.get('e-1')).toBe('duplicate');
  });

  it('applies a later event of a credited order, whatever its tracking id: it follows the order', () => {
    // Credited while content held the member's UK id at amazon-us too (a later edit narrowed it).
    const table = structuredClone(program.table);
    const mila = table.credit.find((m) => m.handle === 'mila-cooks');
    if (!mila) throw new Error('the sample content needs mila-cooks');
    mila.tracking_ids = { ...mila.tracking_ids, 'amazon-us': 'milacooks-21' };
    const placed = incoming('e-1', {});
    const first = planOrder({ ...planInput([placed]), program: programFromTable(table) });
    expect(first.outcomes.get('e-1')).toBe('processed');
    const stored: StoredEvent = { event_id: 'e-1', order_seq: 1, event: placed.event };
    const shipped = incoming('e-2', { type: 'order.shipped', occurred_at: '2026-11-05T10:00:00Z' });
    const later = planOrder({ ...planInput([shipped], [stored]), terms: termsOf(first) });
    expect(later.outcomes.get('e-2')).toBe('processed');
    expect(later.events.map((e) => e.event_id)).toEqual(['e-2']);
  });

  it("refuses the event that would credit a stored uncredited order by its head's id, now another marketplace's", () => {
    // Stored unattributed while content did not know milacooks-21; since, it is mila's amazon-uk id.
    const placed = incoming('e-1', {});
    expect(planOrder({ ...planInput([placed]), program: without('milacooks-21') }).outcomes.get('e-1')).toBe(
      'unattributed',
    );
    const stored: StoredEvent = { event_id: 'e-1', order_seq: 1, event: placed.event };
    const shipped = incoming('e-2', { type: 'order.shipped', occurred_at: '2026-11-05T10:00:00Z' });
    const unknown = incoming('e-3', {
      type: 'order.returned',
      tracking_id: 'nobody-zz-99',
      occurred_at: '2026-11-06T10:00:00Z',
    });
    for (const source of ['webhook', 'amazon_report'] as const) {
      const later = plan(
        [
          { ...shipped, source },
          { ...unknown, source },
        ],
        [stored],
      );
      for (const id of ['e-2', 'e-3'])
        expect(later.outcomes.get(id), `${source} ${id}`).toMatchObject({
          status: 'rejected',
          reason: 'other_marketplace',
          issues: [
            {
              path: 'tracking_id',
              message: expect.stringMatching(
                /^"milacooks-21", the tracking id of order o-1's placed event stored before, .* is a tracking id of amazon-uk, not of amazon-us .*the order stays uncredited/,
              ),
            },
          ],
        });
      expect(later.events).toEqual([]);
      expect(later.entries).toEqual([]);
      expect(later.orderTerms).toEqual([]);
    }
    // A redelivery of the stored event stays a duplicate; nothing is judged.
    expect(plan([placed], [stored], ['e-1']).outcomes.get('e-1')).toBe('duplicate');
  });

  it('credits a stored uncredited order by its next event when its head is of its marketplace, as before', () => {
    // Stored while its member was only applied; approved since: the next event credits the order.
    const table = structuredClone(program.table);
    const mila = table.influencers['mila-cooks'];
    if (!mila) throw new Error('the sample content needs mila-cooks');
    mila.status = 'applied';
    const placed = incoming('e-1', { tracking_id: 'milacooks-20' });
    const first = planOrder({ ...planInput([placed]), program: programFromTable(table) });
    expect(first.outcomes.get('e-1')).toBe('unattributed');
    const stored: StoredEvent = { event_id: 'e-1', order_seq: 1, event: placed.event };
    const later = plan(
      [incoming('e-2', { type: 'order.shipped', occurred_at: '2026-11-05T10:00:00Z' })],
      [stored],
    );
    expect(later.outcomes.get('e-2')).toBe('processed');
    expect(later.orderTerms.map((t) => [t.handle, t.tracking_id, t.retailer])).toEqual([
      ['mila-cooks', 'milacooks-20', 'amazon-us'],
    ]);
  });

  it("judges a stored head only when the event is of its order's marketplace: another is refused for that", () => {
    const placed = incoming('e-1', {});
    const stored: StoredEvent = { event_id: 'e-1', order_seq: 1, event: placed.event };
    const uk = withMarketplace(
      parsed({ type: 'order.shipped', occurred_at: '2026-11-05T10:00:00Z', retailer: 'amazon-uk' }),
      program.table,
    );
    if (!uk.ok) throw new Error(JSON.stringify(uk.issues));
    const later = plan(
      [{ event_id: 'e-2', source: 'webhook', body: '{}', received_at: 0, event: uk.event }],
      [stored],
    );
    expect(later.outcomes.get('e-2')).toMatchObject({ status: 'rejected', issues: [{ path: 'retailer' }] });
    expect(later.outcomes.get('e-2')).not.toHaveProperty('reason', 'other_marketplace');
  });

  // The credit goes to the order's head (its first placed event, else its earliest: terms.ts headOf),
  // so an event that would become the head of an order not yet credited is judged, first or not.
  const unknownShipped = (id: string) =>
    incoming(id, { type: 'order.shipped', tracking_id: 'nobody-zz-99', occurred_at: '2026-11-05T10:00:00Z' });
  const refusedForeign = {
    status: 'rejected',
    reason: 'other_marketplace',
    issues: [{ path: 'tracking_id' }],
  };

  it("refuses a placed event with another marketplace's id arriving after an unattributed shipment", () => {
    const shipped = unknownShipped('s-1');
    expect(plan([shipped]).outcomes.get('s-1')).toBe('unattributed');
    const stored: StoredEvent = { event_id: 's-1', order_seq: 1, event: shipped.event };
    const later = plan([incoming('p-1', {})], [stored]);
    expect(later.outcomes.get('p-1')).toMatchObject(refusedForeign);
    expect(later.events).toEqual([]);
    expect(later.entries).toEqual([]);
    expect(later.orderTerms).toEqual([]);
  });

  it('refuses it in the same batch when the unattributed shipment sorts first, keeping the shipment', () => {
    const placed = incoming('p-1', { occurred_at: '2026-11-06T10:00:00Z' });
    const both = plan([placed, unknownShipped('s-1')]);
    expect(both.outcomes.get('p-1')).toMatchObject(refusedForeign);
    expect(both.outcomes.get('s-1')).toBe('unattributed');
    expect(both.events.map((e) => e.event_id)).toEqual(['s-1']);
    expect(both.entries).toEqual([]);
    expect(both.orderTerms).toEqual([]);
  });

  it('refuses a placed event that occurred before the stored unattributed one, which it would displace as head', () => {
    const first = incoming('a', { tracking_id: 'nobody-zz-99', occurred_at: '2026-11-03T15:00:00Z' });
    const stored: StoredEvent = { event_id: 'a', order_seq: 1, event: first.event };
    const earlier = incoming('b', {
      ordered_at: '2026-11-03T13:00:00Z',
      occurred_at: '2026-11-03T14:00:00Z',
    });
    const later = plan([earlier], [stored]);
    expect(later.outcomes.get('b')).toMatchObject(refusedForeign);
    expect(later.entries).toEqual([]);
  });

  it('books an event of a credited order whatever its id, also one that would be its head: the credit is recorded', () => {
    const mine = incoming('a', { tracking_id: 'milacooks-20', occurred_at: '2026-11-03T15:00:00Z' });
    const first = plan([mine]);
    expect(first.outcomes.get('a')).toBe('processed');
    const terms = {
      order: first.orderTerms[0]!,
      lines: new Map(first.lineTerms.map((l) => [l.product_id, l])),
    };
    const stored: StoredEvent = { event_id: 'a', order_seq: 1, event: mine.event };
    const earlier = incoming('b', {
      ordered_at: '2026-11-03T13:00:00Z',
      occurred_at: '2026-11-03T14:00:00Z',
    });
    const later = planOrder({
      program,
      stored: [stored],
      current: [],
      incoming: [earlier],
      knownIds: new Set(),
      clicks: new Map(),
      terms,
    });
    expect(later.outcomes.get('b')).toBe('processed');
    expect(later.events.map((e) => e.handle)).toEqual(['mila-cooks']);
  });
});
