/**
 * The marketplace of an order event (CONTRACT.md section 14). Marketplaces are retailers of
 * one group, so an event's marketplace is the retailer its money is in: its rate table, its
 * currency, its ledger lines. Rules, with R the event's retailer (`retailer`, else the
 * program's default retailer) and H the home marketplace of R's group (R itself when R has
 * no group, or is the group's first retailer):
 *
 *   marketplace(event) = event.marketplace ?? (event.retailer ?? H)
 *                        (a retailer named by the event is the marketplace it names: an event of
 *                        `retailer: amazon-uk` is never read as amazon.com's)
 *   event.marketplace must be a retailer of R's group        else not_a_marketplace, path "marketplace"
 *   event.currency must be marketplace(event)'s currency     else currency_mismatch, path "currency"
 *
 * The event then continues with `retailer = marketplace(event)`: rates, recorded terms and
 * the stored event row all name the marketplace, so nothing downstream reads a second field.
 * Money never converts: an event in another currency is refused, not translated.
 * An unknown R is left to admissionIssues (apply.ts), which names it.
 */
import type { Issue } from '../issues.ts';
import type { OrderEvent } from './event.ts';
import type { ProgramTable } from './program-table.ts';

/** Why an event is refused here (the worker maps each to its HTTP status in worker/lib/reasons.ts). */
export const MARKETPLACE_REFUSALS = ['not_a_marketplace', 'currency_mismatch'] as const;
export type MarketplaceRefusal = (typeof MARKETPLACE_REFUSALS)[number];

export type MarketplaceCheck =
  { ok: true; event: OrderEvent } | { ok: false; reason: MarketplaceRefusal; issues: Issue[] };

/** Each home marketplace's group (its retailers, in table order), built once per retailer table. */
const groups = new WeakMap<ProgramTable['retailers'], ReadonlyMap<string, readonly string[]>>();

function groupsOf(retailers: ProgramTable['retailers']): ReadonlyMap<string, readonly string[]> {
  let byHome = groups.get(retailers);
  if (!byHome) {
    const built = new Map<string, string[]>();
    for (const [id, r] of Object.entries(retailers)) {
      const home = r.home ?? id;
      built.set(home, [...(built.get(home) ?? []), id]);
    }
    byHome = built;
    groups.set(retailers, byHome);
  }
  return byHome;
}

export function withMarketplace(event: OrderEvent, table: ProgramTable): MarketplaceCheck {
  const retailerId = event.retailer ?? table.default_retailer;
  const retailer = Object.hasOwn(table.retailers, retailerId) ? table.retailers[retailerId] : undefined;
  if (!retailer) return { ok: true, event };
  const home = retailer.home ?? retailerId;
  const group = groupsOf(table.retailers).get(home) ?? [retailerId];
  const marketplaceId = event.marketplace ?? event.retailer ?? home;
  const marketplace = group.includes(marketplaceId) ? table.retailers[marketplaceId] : undefined;
  if (!marketplace)
    return {
      ok: false,
      reason: 'not_a_marketplace',
      issues: [
        {
          path: 'marketplace',
          message: `"${marketplaceId}" is not a marketplace of ${retailerId} (known: ${group.join(', ')})`,
        },
      ],
    };
  if (event.currency !== marketplace.currency)
    return {
      ok: false,
      reason: 'currency_mismatch',
      issues: [
        {
          path: 'currency',
          message: `must be ${marketplace.currency}, the currency of marketplace ${marketplaceId}${event.marketplace === undefined && event.retailer === null ? ` (the home marketplace of ${retailerId}; name another with "marketplace")` : ''}`,
        },
      ],
    };
  return { ok: true, event: { ...event, retailer: marketplaceId, marketplace: marketplaceId } };
}
