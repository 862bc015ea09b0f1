/**
 * A dispute's marketplace (domain/disputes/rules.ts memberMarketplaces, filingMarketplace): a known
 * order's own (orderPlace); for an order the store does not know, exactly where the member can be
 * credited, by the group rule of the links and the webhook (domain/orders/report-tracking.ts), on
 * the sample program and on tables derived from it. A credit's currency (creditCurrency) and the
 * admin page's view of both (disputePlace).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatError } from '../../domain/content/validate.ts';
import {
  creditCurrency,
  disputePlace,
  filingMarketplace,
  memberMarketplaces,
  orderPlace,
} from '../../domain/disputes/rules.ts';
import { everHeld } from '../../domain/content/history.ts';
import { parseOrderEvent } from '../../domain/orders/event.ts';
import { buildProgramTable, type ProgramTable } from '../../domain/orders/program-table.ts';
import { eventOfMarketplace } from '../../domain/orders/report-tracking.ts';
import { loadContent } from '../../build/load-content.ts';

const { content, errors } = loadContent('content');
if (!content) throw new Error(errors.map(formatError).join('\n'));
const table = buildProgramTable(content);
const ALL = Object.keys(table.retailers);

/** Where the webhook credits one of the member's ids: an order event of M it does not refuse. */
function webhookCredits(t: ProgramTable, handle: string): string[] {
  const member = t.credit.find((m) => m.handle === handle);
  if (!member) throw new Error(`no member ${handle}`);
  return Object.keys(t.retailers).filter((marketplace) =>
    [...everHeld(member)].some((trackingId) => {
      const parsed = parseOrderEvent({
        type: 'order.placed',
        order_id: 'o-1',
        ordered_at: '2026-11-03T14:22:10Z',
        occurred_at: '2026-11-03T14:22:10Z',
        tracking_id: trackingId,
        retailer: marketplace,
        currency: t.retailers[marketplace]?.currency,
        items: [{ product_id: 'B00006JSUA', category: 'kitchen', quantity: 1, unit_price: 1999 }],
      });
      if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
      return eventOfMarketplace(parsed.event, t) === null;
    }),
  );
}

// A member with only a home id (no tracking_ids), and one with ids of its own abroad.
const homeOnly = Object.keys(table.influencers).find((h) => !table.influencers[h]?.tracking_ids);
const abroad = Object.keys(table.influencers).find((h) => table.influencers[h]?.tracking_ids?.['amazon-ca']);
if (!homeOnly || !abroad)
  throw new Error('the sample content lacks a home-only member or one with an amazon-ca id');

/**
 * The sample table with amazon-ca's group home a marketplace the table does not list: no
 * consistent table has a marketplace where a member can not be credited (every member has a home
 * id, and the group rule carries it to every marketplace of its group), so this one is made.
 */
function caCutOff(t: ProgramTable): ProgramTable {
  const ca = t.retailers['amazon-ca'];
  if (!ca) throw new Error('no amazon-ca');
  return { ...t, retailers: { ...t.retailers, 'amazon-ca': { ...ca, home: 'amazon-xx' } } };
}

describe("a dispute's marketplaces are where the member can be credited", () => {
  it('are, for every sample member, the marketplaces the webhook credits its ids at: all of them', () => {
    for (const handle of Object.keys(table.influencers)) {
      expect(memberMarketplaces(table, handle), handle).toEqual(webhookCredits(table, handle));
      expect(memberMarketplaces(table, handle), handle).toEqual(ALL);
    }
  });

  it(`takes amazon-ca for ${homeOnly}, credited there on its home id (group rule), in CAD`, () => {
    expect(filingMarketplace(table, homeOnly, 'amazon-ca')).toEqual({
      ok: true,
      marketplace: 'amazon-ca',
      currency: 'CAD',
    });
    expect(filingMarketplace(table, homeOnly, undefined)).toMatchObject({
      ok: true,
      marketplace: 'amazon-us',
    });
  });

  it('refuses a marketplace the program does not know, listing the allowed ones', () => {
    expect(filingMarketplace(table, homeOnly, 'amazon-jp')).toEqual({
      ok: false,
      reason: 'not_a_marketplace',
      issues: [
        {
          path: 'marketplace',
          message: `"amazon-jp" is not a marketplace where ${homeOnly} can be credited (known: ${ALL.join(', ')})`,
        },
      ],
    });
  });

  it('refuses a marketplace where the member can not be credited, as the webhook refuses its ids there', () => {
    const cut = caCutOff(table);
    const allowed = ALL.filter((m) => m !== 'amazon-ca');
    expect(webhookCredits(cut, homeOnly)).toEqual(allowed);
    expect(memberMarketplaces(cut, homeOnly)).toEqual(allowed);
    expect(filingMarketplace(cut, homeOnly, 'amazon-ca')).toEqual({
      ok: false,
      reason: 'not_a_marketplace',
      issues: [
        {
          path: 'marketplace',
          message: `"amazon-ca" is not a marketplace where ${homeOnly} can be credited (known: ${allowed.join(', ')})`,
        },
      ],
    });
    // A member with an id of its own at amazon-ca is credited there all the same.
    expect(memberMarketplaces(cut, abroad)).toEqual(ALL);
    expect(webhookCredits(cut, abroad)).toEqual(ALL);
  });

  it('counts an id held at a marketplace only in a dated history entry', () => {
    const cut = caCutOff(table);
    const credit = cut.credit.map((m) =>
      m.handle === homeOnly
        ? {
            ...m,
            history: [
              ...(m.history ?? []),
              { on: '2026-01-05', marketplace: 'amazon-ca', tracking_id: `${homeOnly}-ca-20` },
            ],
          }
        : m,
    );
    const dated = { ...cut, credit };
    expect(memberMarketplaces(dated, homeOnly)).toEqual(ALL);
    expect(webhookCredits(dated, homeOnly)).toEqual(ALL);
  });

  it('are none for a handle the table does not know', () => {
    expect(memberMarketplaces(table, 'nobody-here')).toEqual([]);
    expect(filingMarketplace(table, 'nobody-here', undefined)).toMatchObject({
      ok: false,
      reason: 'not_a_marketplace',
    });
  });
});

/** The store's record of an order (only the fields orderPlace reads). */
const recorded = (recorded_marketplace: string | null, recorded_currency: string | null) => ({
  recorded_marketplace,
  recorded_currency,
});

describe("a known order's dispute is at its marketplace (orderPlace, filingMarketplace)", () => {
  const usOrder = orderPlace(table, 'o-us', recorded('amazon-us', 'USD'));
  const caOrder = orderPlace(table, 'o-ca', recorded('amazon-ca', 'CAD'));

  it('reads the order from its first event: none when the store has no event, the default retailer for one naming none', () => {
    expect(orderPlace(table, 'o-1', recorded(null, null))).toBeNull();
    expect(orderPlace(table, 'o-1', recorded(null, 'USD'))).toEqual({
      order_id: 'o-1',
      marketplace: table.default_retailer,
      currency: 'USD',
    });
    expect(caOrder).toEqual({ order_id: 'o-ca', marketplace: 'amazon-ca', currency: 'CAD' });
  });

  it("defaults to the order's marketplace and refuses another, naming the order's (not the home)", () => {
    expect(filingMarketplace(table, homeOnly, undefined, caOrder)).toEqual({
      ok: true,
      marketplace: 'amazon-ca',
      currency: 'CAD',
    });
    expect(filingMarketplace(table, homeOnly, 'amazon-ca', caOrder)).toMatchObject({ ok: true });
    expect(filingMarketplace(table, homeOnly, 'amazon-us', caOrder)).toEqual({
      ok: false,
      reason: 'not_the_order_marketplace',
      issues: [
        {
          path: 'marketplace',
          message: 'order o-ca is recorded at amazon-ca (CAD): name amazon-ca or leave the marketplace out',
        },
      ],
    });
    expect(filingMarketplace(table, homeOnly, 'amazon-uk', usOrder)).toMatchObject({
      ok: false,
      reason: 'not_the_order_marketplace',
    });
  });

  it('property: for any known order and any requested marketplace, the dispute is at the order’s or refused', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ALL),
        fc.option(fc.constantFrom(...ALL, 'amazon-jp'), { nil: undefined }),
        fc.constantFrom(...Object.keys(table.influencers)),
        (at, requested, handle) => {
          const order = orderPlace(table, 'o', recorded(at, table.retailers[at]?.currency ?? null));
          const where = filingMarketplace(table, handle, requested, order);
          if (requested === undefined || requested === at)
            expect(where).toEqual({ ok: true, marketplace: at, currency: table.retailers[at]?.currency });
          else expect(where).toMatchObject({ ok: false, reason: 'not_the_order_marketplace' });
        },
      ),
    );
  });

  it('leaves an unknown order to the member’s word: a creditable marketplace, default the home', () => {
    expect(filingMarketplace(table, homeOnly, 'amazon-uk', null)).toMatchObject({
      ok: true,
      marketplace: 'amazon-uk',
      currency: 'GBP',
    });
    expect(filingMarketplace(table, homeOnly, undefined, null)).toMatchObject({ marketplace: 'amazon-us' });
  });
});

describe("a credit is in the order's recorded currency (creditCurrency)", () => {
  const dispute = { dispute_id: 9, marketplace: 'amazon-uk' };
  const usOrder = orderPlace(table, 'o-us', recorded('amazon-us', 'USD'));

  it('refuses the dispute’s marketplace’s currency for an order recorded in another, telling what to send', () => {
    expect(creditCurrency('', dispute, 'GBP', usOrder)).toEqual({
      ok: false,
      reason: 'not_the_order_currency',
      issues: [
        {
          path: 'currency',
          message:
            'must be USD, the currency order o-us is recorded in at amazon-us (dispute 9 names amazon-uk, in GBP: send currency USD)',
        },
      ],
    });
    expect(creditCurrency('GBP', dispute, 'GBP', usOrder)).toMatchObject({
      reason: 'not_the_order_currency',
    });
    expect(creditCurrency('USD', dispute, 'GBP', usOrder)).toEqual({ ok: true, currency: 'USD' });
  });

  it('property: a credit of a known order is in its currency; of an unknown one, in the dispute’s marketplace’s', () => {
    const currency = fc.constantFrom('USD', 'GBP', 'CAD', 'EUR', 'JPY');
    fc.assert(
      fc.property(
        fc.option(currency, { nil: '' }),
        currency,
        fc.option(currency, { nil: null }),
        (sent, market, orderCurrency) => {
          const order = orderPlace(table, 'o', recorded('amazon-us', orderCurrency));
          const result = creditCurrency(sent, dispute, market, order);
          const chosen = sent === '' ? market : sent;
          const expected = orderCurrency ?? market;
          expect(result.ok).toBe(chosen === expected);
          if (result.ok) expect(result.currency).toBe(expected);
          else
            expect(result.reason).toBe(
              orderCurrency === null ? 'currency_mismatch' : 'not_the_order_currency',
            );
        },
      ),
    );
  });
});

describe("the admin page's view of a dispute (disputePlace)", () => {
  const base = { order_id: 'o-1', marketplace: 'amazon-uk' };

  it('marks a dispute naming another marketplace than its order’s and preselects the order’s currency', () => {
    expect(disputePlace(table, { ...base, ...recorded('amazon-us', 'USD') })).toEqual({
      order: { order_id: 'o-1', marketplace: 'amazon-us', currency: 'USD' },
      mismatch: true,
      currency: 'USD',
    });
    expect(disputePlace(table, { ...base, ...recorded('amazon-uk', 'GBP') })).toMatchObject({
      mismatch: false,
      currency: 'GBP',
    });
  });

  it('preselects the dispute’s marketplace’s currency for an order the store does not know', () => {
    expect(disputePlace(table, { ...base, ...recorded(null, null) })).toEqual({
      order: null,
      mismatch: false,
      currency: 'GBP',
    });
  });
});
