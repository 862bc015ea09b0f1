/**
 * Search within one storefront (CONTRACT section 17): the member's own products, matched on
 * title, brand, category (id and name) and the creator's note, from the page store record.
 *
 * Rules:
 *   fold(text)     = lowercase, accents removed (NFKD, combining marks dropped), every run of
 *                    characters other than letters and digits a word break
 *   words(text)    = the words of fold(text)
 *   stems(w)       = w's singular readings: the one plural rule of every search (stems in
 *                    domain/catalog/lookup.ts: "ies" -> "y", "ves" -> "f" or "ve", "es" after
 *                    s/x/z/ch/sh, else "s"; words of 4 letters or more, not ending "ss")
 *   q matches w    ⇔ w starts with q, or a stem of w starts with a stem of q (plurals both ways),
 *                    or, for t in {q} ∪ stems(q) with |t| ≥ 5, the edit distance of t and w's first
 *                    |t| or |t| + 1 letters ≤ 1 (typos, also in a plural: "skilets")
 *   product found  ⇔ every word of the query matches some word of its fields
 *   score          = Σ over query words of the best field weight it matched in
 *                    (title 8, brand 4, category 2, note 1; a typo match counts half)
 *   order          = score descending, then the storefront's own order
 * At most MAX_QUERY_CHARS characters and MAX_QUERY_WORDS words are read: a longer query is
 * refused calmly (the page says so), never a 500.
 */
import { stems } from '../../domain/catalog/lookup.ts';
import type { Card } from '../../domain/pages/catalog.ts';

export const MAX_QUERY_CHARS = 100;
export const MAX_QUERY_WORDS = 8;

export type ParsedQuery =
  { kind: 'empty' } | { kind: 'too_long' } | { kind: 'words'; text: string; words: string[] };

const MARKS = /\p{M}+/gu;
const BREAKS = /[^\p{L}\p{N}]+/u;

export function fold(text: string): string {
  return text.normalize('NFKD').replace(MARKS, '').toLowerCase();
}

export function words(text: string): string[] {
  return fold(text)
    .split(BREAKS)
    .filter((w) => w.length > 0);
}

/** The `q` parameter as the page reads it (null: absent). */
export function parseQuery(q: string | null): ParsedQuery {
  if (q === null) return { kind: 'empty' };
  if (q.length > MAX_QUERY_CHARS) return { kind: 'too_long' };
  const found = words(q).slice(0, MAX_QUERY_WORDS);
  return found.length === 0 ? { kind: 'empty' } : { kind: 'words', text: q.trim(), words: found };
}

/** At most one edit (insert, delete, substitute, swap of neighbours) between a and b. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (i === a.length || i === b.length) return true;
  const [ra, rb] = [a.slice(i + 1), b.slice(i + 1)];
  if (ra === rb) return true; // substitution
  if (a.slice(i) === rb || b.slice(i) === ra) return true; // deletion or insertion
  return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // swap
}

/** 1: exact or prefix or plural; 0.5: a typo; 0: no match. */
export function wordMatch(q: string, w: string): number {
  const typed = stems(q);
  if (w.startsWith(q) || stems(w).some((s) => typed.some((t) => s.startsWith(t)))) return 1;
  for (const t of new Set([q, ...typed]))
    if (
      t.length >= 5 &&
      (withinOneEdit(t, w.slice(0, t.length)) || withinOneEdit(t, w.slice(0, t.length + 1)))
    )
      return 0.5;
  return 0;
}

const WEIGHTS = { title: 8, brand: 4, category: 2, note: 1 } as const;

/** The cards the query finds, best first; `categoryNames` maps a category id to its name. */
export function searchCards(
  cards: readonly Card[],
  query: readonly string[],
  categoryNames: ReadonlyMap<string, string>,
): Card[] {
  const scored = cards.flatMap((card, order) => {
    const fields: [number, string[]][] = [
      [WEIGHTS.title, words(card.product.title)],
      [WEIGHTS.brand, words(card.product.brand)],
      [WEIGHTS.category, words(`${card.product.category} ${categoryNames.get(card.product.category) ?? ''}`)],
      [WEIGHTS.note, words(card.note ?? '')],
    ];
    let score = 0;
    for (const q of query) {
      let best = 0;
      for (const [weight, ws] of fields) for (const w of ws) best = Math.max(best, weight * wordMatch(q, w));
      if (best === 0) return [];
      score += best;
    }
    return [{ card, order, score }];
  });
  return scored.sort((a, b) => b.score - a.score || a.order - b.order).map((s) => s.card);
}
