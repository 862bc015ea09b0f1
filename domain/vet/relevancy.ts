/** Relevancy: do the products listed match the categories the creator declares? */
import type { Influencer, Product } from '../content/schema.ts';

export interface Relevancy {
  /** Distinct known products featured or listed. */
  total: number;
  inCategories: number;
  outside: { id: string; category: string }[];
  /** inCategories / total, or null without products. */
  share: number | null;
  /** 0 to 5: the share in fifths. */
  score: number;
}

export function relevancyOf(value: Influencer, products: ReadonlyMap<string, Product>): Relevancy {
  const ids = [...new Set([...value.featured, ...value.lists.flatMap((l) => l.items.map((i) => i.product))])];
  const known = ids.flatMap((id) => {
    const p = products.get(id);
    return p ? [p] : [];
  });
  const outside = known
    .filter((p) => !value.categories.includes(p.category))
    .map((p) => ({ id: p.id, category: p.category }));
  const inCategories = known.length - outside.length;
  const share = known.length === 0 ? null : inCategories / known.length;
  return {
    total: known.length,
    inCategories,
    outside,
    share,
    score: share === null ? 0 : Math.round(share * 5),
  };
}
