/**
 * Items Amazon's statements state (CONTRACT.md section 12) for `GET /api/stats`, the member
 * dashboard and the admin console: Fee-Orders statements carry items ordered, Fee-Earnings ones
 * items shipped and returned (their money is in the ledger already). A key's figures are the sum
 * of its changes (migrations/0013_amazon_statements.sql); a key counts for the member it is
 * credited to (amazon_keys.member_id, never moves) and for its day:
 *
 *   items(m, mk, [from, to]) = sum of amazon_key_changes (ordered, shipped, returned) over the
 *                              keys k with k.member_id = m, k.marketplace = mk, from <= k.day <= to
 *
 * Bounded reads. One member: only the key ids its tracking ids can have, read through the
 * primary key (keyIdPrefix: one range per layout, marketplace and tracking id it ever held), so
 * the cost is that member's keys, whatever the size of the program. Every member (the console):
 * the coverage index (layout, marketplace, day) over the range, like the ledger's range reads.
 */
import { everHeld } from '../../domain/content/history.ts';
import type { CreditMember } from '../../domain/orders/crediting.ts';
import { keyIdPrefix } from '../../domain/orders/statement.ts';
import { integerOrZero, text, type Row } from '../lib/rows.ts';

export interface StatedItems {
  ordered: number;
  shipped: number;
  returned: number;
}

/** ?1: JSON array of key id prefixes, ?2: member id, ?3..?4: first and last day (inclusive). */
export const STATED_ITEMS_OF_ONE = `
SELECT k.marketplace AS marketplace, SUM(c.ordered) AS ordered, SUM(c.shipped) AS shipped,
       SUM(c.returned) AS returned
FROM json_each(?1) AS p
JOIN amazon_keys AS k
  ON k.key_id >= p.value AND k.key_id < substr(p.value, 1, length(p.value) - 1) || ';'
JOIN amazon_key_changes AS c ON c.key_id = k.key_id
WHERE k.member_id = ?2 AND k.day >= ?3 AND k.day <= ?4
GROUP BY k.marketplace`;

/** ?1: JSON array of marketplaces, ?2..?3: first and last day (inclusive). Items ordered per member. */
export const STATED_ORDERED_OF_EVERY = `
SELECT k.member_id AS member_id, SUM(c.ordered) AS ordered
FROM amazon_keys AS k JOIN amazon_key_changes AS c ON c.key_id = k.key_id
WHERE k.layout = 'fee-orders' AND k.marketplace IN (SELECT value FROM json_each(?1))
  AND k.day >= ?2 AND k.day <= ?3 AND k.member_id IS NOT NULL
GROUP BY k.member_id`;

/** The key id prefixes of a member: both layouts, every marketplace, every tracking id it ever held. */
export function keyPrefixesOf(member: CreditMember | undefined, marketplaces: readonly string[]): string[] {
  if (!member) return [];
  const ids = [...everHeld(member)];
  return (['fee-orders', 'fee-earnings'] as const).flatMap((layout) =>
    marketplaces.flatMap((m) => ids.map((id) => keyIdPrefix(layout, m, id))),
  );
}

/** STATED_ITEMS_OF_ONE's rows by marketplace. */
export function statedByMarketplace(rows: readonly Row[]): Map<string, StatedItems> {
  return new Map(
    rows.map((r) => [
      text(r, 'marketplace'),
      {
        ordered: integerOrZero(r, 'ordered'),
        shipped: integerOrZero(r, 'shipped'),
        returned: integerOrZero(r, 'returned'),
      },
    ]),
  );
}

const NONE: StatedItems = { ordered: 0, shipped: 0, returned: 0 };

/**
 * by_marketplace with each marketplace's stated items beside its clicks (conversion per
 * marketplace = items.ordered / clicks); a marketplace with items but no clicks in the range is
 * added after the others (clicks 0, by id), so no stated item is left out.
 */
export function withStatedItems(
  byMarketplace: readonly { marketplace: string | null; clicks: number }[],
  stated: ReadonlyMap<string, StatedItems>,
): { marketplace: string | null; clicks: number; items: StatedItems }[] {
  const listed = byMarketplace.map((m) => ({
    ...m,
    items: (m.marketplace === null ? undefined : stated.get(m.marketplace)) ?? NONE,
  }));
  const seen = new Set(byMarketplace.map((m) => m.marketplace));
  const more = [...stated]
    .filter(([m]) => !seen.has(m))
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([marketplace, items]) => ({ marketplace, clicks: 0, items }));
  return [...listed, ...more];
}

const creditMembers = new WeakMap<readonly CreditMember[], Map<string, CreditMember>>();

/** A member's crediting record by member id (one map per program table). */
export function creditMemberOf(members: readonly CreditMember[], memberId: string): CreditMember | undefined {
  let byId = creditMembers.get(members);
  if (!byId) creditMembers.set(members, (byId = new Map(members.map((m) => [m.member_id, m]))));
  return byId.get(memberId);
}
