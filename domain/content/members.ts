/**
 * What the two kinds of member link to. An influencer's storefront names its
 * products (featured and listed); an associate has no storefront, so the part
 * of the catalog it links to is taken to be the available products of its
 * categories (the link builder offers the whole catalog either way).
 */
import type { Member, Product } from './schema.ts';

/** Product ids an influencer features or lists, each once, in page order. */
export function storefrontProductIds(value: Member): string[] {
  if (value.program !== 'influencer') return [];
  return [...new Set([...value.featured, ...value.lists.flatMap((l) => l.items.map((i) => i.product))])];
}

/** The available products a member is expected to link to, in catalog order for associates. */
export function linkedProducts(value: Member, products: readonly Product[]): Product[] {
  if (value.program === 'associate')
    return products.filter((p) => p.available && value.categories.includes(p.category));
  const byId = new Map(products.map((p) => [p.id, p]));
  return storefrontProductIds(value).flatMap((id) => {
    const p = byId.get(id);
    return p?.available ? [p] : [];
  });
}

/**
 * A member's stable id (docs/decisions.md, CONTRACT.md section 13): `id` when written, else the
 * first handle it had (previous_handles is oldest first). Balances, payouts and stats group by it,
 * so a rename never splits a member's money.
 */
export function memberId(value: Pick<Member, 'id' | 'handle' | 'previous_handles'>): string {
  return value.id ?? value.previous_handles[0] ?? value.handle;
}
