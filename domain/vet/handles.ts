/**
 * Handle rules beyond the schema's format: reserved words and look-alikes. A
 * look-alike ("ana-c00ks" next to "ana-cooks") lets someone collect clicks meant
 * for another creator, so it is refused, not just flagged.
 */
import { handle as handleSchema } from '../content/schema.ts';
import { ROUTE_HANDLES } from '../content/validate.ts';

/** Characters that read alike in common UI fonts (digits for letters, i for l). */
const CHARACTERS: Record<string, string> = { '0': 'o', '1': 'l', i: 'l', '|': 'l', '5': 's', '8': 'b' };
/** Character pairs that read as one letter, applied after CHARACTERS (so "c1" reads as "cl", then "d"). */
const SEQUENCES: [RegExp, string][] = [
  [/rn/g, 'm'],
  [/vv/g, 'w'],
  [/cl/g, 'd'],
];

/**
 * The form two handles share when a reader could mistake one for the other:
 * case folded, hyphens (and other separators) removed, confusables unified.
 *   skeleton = SEQUENCES(CHARACTERS(drop separators(lowercase(NFKC(value)))))
 */
export function skeleton(value: string): string {
  let s = [
    ...value
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[-_.\s]/g, ''),
  ]
    .map((c) => CHARACTERS[c] ?? c)
    .join('');
  for (const [pattern, to] of SEQUENCES) s = s.replace(pattern, to);
  return s;
}

/** Every handle nobody may take: the site's own routes plus the program's list. */
export function reservedHandles(...programLists: (readonly string[] | undefined)[]): string[] {
  const all = [...ROUTE_HANDLES, ...programLists.flatMap((list) => list ?? [])].map((h) => h.toLowerCase());
  return [...new Set(all)];
}

export interface Clash {
  kind: 'reserved' | 'taken' | 'look-alike-reserved' | 'look-alike';
  other: string;
}

/**
 * How `candidate` clashes with the reserved words or the handles already in
 * use (current and previous), or null when it is free.
 */
export function clashOf(
  candidate: string,
  reserved: readonly string[],
  taken: readonly string[],
): Clash | null {
  const lower = candidate.toLowerCase();
  if (reserved.includes(lower)) return { kind: 'reserved', other: lower };
  const exact = taken.find((t) => t.toLowerCase() === lower);
  if (exact) return { kind: 'taken', other: exact };
  const shape = skeleton(candidate);
  const reservedLike = reserved.find((r) => skeleton(r) === shape);
  if (reservedLike) return { kind: 'look-alike-reserved', other: reservedLike };
  const like = taken.find((t) => skeleton(t) === shape);
  if (like) return { kind: 'look-alike', other: like };
  return null;
}

export function describeClash(candidate: string, clash: Clash): string {
  switch (clash.kind) {
    case 'reserved':
      return `"${candidate}" is reserved`;
    case 'taken':
      return `"${candidate}" is already taken`;
    case 'look-alike-reserved':
      return `"${candidate}" looks like the reserved word "${clash.other}" (after case folding, removing hyphens and unifying look-alike characters such as 0/o, 1/l/i, 5/s, 8/b, rn/m, vv/w, cl/d)`;
    case 'look-alike':
      return `"${candidate}" looks like the existing handle "${clash.other}" (after case folding, removing hyphens and unifying look-alike characters such as 0/o, 1/l/i, 5/s, 8/b, rn/m, vv/w, cl/d)`;
  }
}

/** Reserved words that appear as a whole hyphen-separated part ("amazon-picks"): worth a reviewer's look. */
export function reservedParts(candidate: string, reserved: readonly string[]): string[] {
  const parts = candidate.toLowerCase().split('-');
  if (parts.length < 2) return [];
  return reserved.filter((r) => parts.includes(r));
}

/** Why a brand-new handle cannot be used, or null when it can. */
export function newHandleProblem(
  candidate: string,
  reserved: readonly string[],
  taken: readonly string[],
): string | null {
  const format = handleSchema.safeParse(candidate);
  if (!format.success) return `"${candidate}" ${format.error.issues[0]?.message ?? 'is not a valid handle'}`;
  const clash = clashOf(candidate, reserved, taken);
  return clash && describeClash(candidate, clash);
}
