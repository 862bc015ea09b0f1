/** Content quality: is this a storefront a shopper would find useful? */
import type { Influencer, Product } from '../content/schema.ts';
import { fieldPath } from '../issues.ts';

export const MIN_BIO_CHARS = 40;
export const MIN_LIST_ITEMS = 3;
/** Share of list items that should carry the creator's note. */
export const NOTE_SHARE = 0.8;
/** Text `npm run apply` leaves for the applicant to replace. */
export const PLACEHOLDER = /\bTODO\b/;

export interface Check {
  ok: boolean;
  label: string;
  detail: string;
}

export interface Quality {
  /** Bio, avatar, lists, notes, featured: one point each. */
  checks: Check[];
  /** Fields still holding placeholder text. */
  placeholders: string[];
  /** Listed or featured products that are marked unavailable (hidden from the storefront). */
  unavailable: string[];
  score: number;
}

/**
 * `avatarFound`: for an avatar under the site's public folder, whether the file
 * exists; null for an https URL (not fetched).
 */
export function qualityOf(
  value: Influencer,
  products: ReadonlyMap<string, Product>,
  avatarFound: boolean | null,
): Quality {
  const placeholders = placeholderFields(value);
  const items = value.lists.flatMap((l) => l.items);
  const noted = items.filter((i) => (i.note ?? '').trim().length > 0).length;
  const fullLists = value.lists.filter((l) => l.items.length >= MIN_LIST_ITEMS).length;
  const used = [...new Set([...value.featured, ...items.map((i) => i.product)])];
  const unavailable = used.filter((id) => products.get(id)?.available === false);
  const bio = value.bio.trim();

  const checks: Check[] = [
    {
      ok: bio.length >= MIN_BIO_CHARS && !PLACEHOLDER.test(bio),
      label: 'Bio',
      detail: PLACEHOLDER.test(bio)
        ? 'still the placeholder'
        : `${bio.length} characters${bio.length < MIN_BIO_CHARS ? ` (under ${MIN_BIO_CHARS})` : ''}`,
    },
    {
      ok: avatarFound !== false && !PLACEHOLDER.test(value.avatar),
      label: 'Avatar',
      detail:
        avatarFound === false
          ? `${value.avatar} is not in site/public/ (add the image in this pull request or use an https URL)`
          : avatarFound === null
            ? `${value.avatar} (external, not fetched)`
            : value.avatar,
    },
    {
      ok: fullLists > 0,
      label: 'Lists',
      detail:
        value.lists.length === 0
          ? 'no lists yet'
          : `${value.lists.length} list(s), ${fullLists} with at least ${MIN_LIST_ITEMS} items: ` +
            value.lists.map((l) => `${l.slug} (${l.items.length})`).join(', '),
    },
    {
      ok: items.length > 0 && noted / items.length >= NOTE_SHARE,
      label: 'Notes',
      detail:
        items.length === 0
          ? 'no list items yet'
          : `${noted} of ${items.length} items (${Math.round((noted / items.length) * 100)}%) carry a note`,
    },
    {
      ok: value.featured.length > 0 && value.featured.every((id) => products.get(id)?.available !== false),
      label: 'Featured',
      detail:
        value.featured.length === 0 ? 'no featured products' : `${value.featured.length} featured product(s)`,
    },
  ];
  return { checks, placeholders, unavailable, score: checks.filter((c) => c.ok).length };
}

export function placeholderFields(value: unknown, path: PropertyKey[] = []): string[] {
  if (typeof value === 'string') return PLACEHOLDER.test(value) ? [fieldPath(path)] : [];
  if (Array.isArray(value)) return value.flatMap((v, i) => placeholderFields(v, [...path, i]));
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => placeholderFields(v, [...path, k]));
  return [];
}
