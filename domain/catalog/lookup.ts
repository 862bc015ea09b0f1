/**
 * What a member typed into the link builder's search, read three ways (pure; the worker runs
 * the queries, worker/catalog/queries.ts):
 * 1. A pasted product page: an http(s) URL, with or without its scheme. On Amazon hosts
 *    (amazon.<tld>) the ASIN is read from /dp/<ASIN>, /gp/product/<ASIN>, /gp/aw/d/<ASIN>,
 *    /exec/obidos/ASIN/<ASIN> or /o/ASIN/<ASIN>; on other hosts each path segment that could
 *    be a product id is a candidate. Found -> that product; not found -> offer to propose it.
 * 2. Words: each word is matched as a prefix of each of its stems, so plurals find singulars
 *    (stems: the one plural rule of every search, the link builder's and a storefront's):
 *      stems(w) = [w]                          when |w| <= 3 or w ends "ss"
 *               = [w - "ies" + "y"]            w ends "ies"              (batteries -> battery)
 *               = [w - "ves" + "f", w - "s"]   w ends "ves"              (knives -> knif(e), gloves -> glove)
 *               = [w - "es"]                   w ends "es" after s|x|z|ch|sh (boxes -> box)
 *               = [w - "s"]                    w ends "s"                (skillets -> skillet)
 *               = [w]                          otherwise
 * 3. Close words, when (2) finds nothing: a title word t matches a typed word w when
 *      t starts with a stem of w, or OSA(w, t') <= k(w), t' = t cut to |w| + 1 letters when longer,
 *      k(w) = 0 if |w| <= 3, 1 if |w| <= 7, else 2
 *    (OSA: optimal string alignment distance: insertions, deletions, substitutions and
 *    swaps of two neighbours each cost 1). Every typed word must match some word.
 */

export type PastedLink = {
  /** The host as pasted, lowercased, without "www.". */
  host: string;
  /** The product id read from an Amazon URL, else null. */
  asin: string | null;
  /** Product ids worth looking up, most likely first. */
  candidates: string[];
  /** The product page to propose, without tracking parameters: https://<host>/dp/<ASIN> on Amazon. */
  canonical: string;
};

const ASIN_PATH = /\/(?:dp|gp\/product|gp\/aw\/d|exec\/obidos\/ASIN|o\/ASIN)\/([A-Z0-9]{10})(?=[/?#]|$)/i;
const AMAZON_HOST = /(?:^|\.)amazon\.(?:[a-z]{2,3}|co\.[a-z]{2}|com\.[a-z]{2})$/;
const ID_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/** A pasted product page, or null when the input is not a URL. */
export function pastedLink(input: string): PastedLink | null {
  const text = input.trim();
  if (/\s/.test(text) || !/[./]/.test(text)) return null;
  const withScheme = /^https?:\/\//i.test(text) ? text : `https://${text}`;
  if (!URL.canParse(withScheme)) return null;
  const url = new URL(withScheme);
  if (!url.hostname.includes('.') || !/^https?:$/.test(url.protocol)) return null;
  const host = url.hostname.toLowerCase().replace(/^www\./, '');
  const asin = AMAZON_HOST.test(host) ? (ASIN_PATH.exec(url.pathname)?.[1]?.toUpperCase() ?? null) : null;
  const segments = url.pathname
    .split('/')
    .map((s) => decodeURIComponentSafe(s))
    .filter((s) => ID_SEGMENT.test(s))
    .reverse();
  const candidates = asin ? [asin] : [...new Set(segments)].slice(0, 8);
  const canonical = asin
    ? `https://${url.hostname.toLowerCase()}/dp/${asin}`
    : `${url.origin}${url.pathname}`;
  return { host, asin, candidates, canonical };
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The words of a search, lowercased, accents kept apart (letters and digits only), at most 8. */
export function searchWords(input: string): string[] {
  return input
    .normalize('NFKC')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, 8);
}

/**
 * A word's stems: its singular readings, each a prefix of the singular (see the header). A word
 * ending "ves" has two ("knives": knife, "gloves": glove), as no rule tells them apart.
 */
export function stems(word: string): string[] {
  if (word.length <= 3 || word.endsWith('ss')) return [word];
  if (word.endsWith('ies')) return [`${word.slice(0, -3)}y`];
  if (word.endsWith('ves')) return [`${word.slice(0, -3)}f`, word.slice(0, -1)];
  if (/(?:s|x|z|ch|sh)es$/.test(word)) return [word.slice(0, -2)];
  if (word.endsWith('s')) return [word.slice(0, -1)];
  return [word];
}

/** Optimal string alignment distance, or `max + 1` as soon as it must exceed `max`. */
export function osaDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d = Math.min(d, before[j - 2]! + 1);
      current.push(d);
      best = Math.min(best, d);
    }
    if (best > max) return max + 1;
    before = previous;
    previous = current;
  }
  return previous[b.length]!;
}

function allowedTypos(word: string): number {
  return word.length <= 3 ? 0 : word.length <= 7 ? 1 : 2;
}

/**
 * How far `text` is from matching every typed word (the sum of each word's best distance),
 * or null when some word matches nothing in it.
 */
export function closeness(words: readonly string[], text: string): number | null {
  const tokens = searchWords(text).map((t) => t.normalize('NFD').replace(/\p{M}/gu, ''));
  let total = 0;
  for (const raw of words) {
    const word = raw.normalize('NFD').replace(/\p{M}/gu, '');
    const k = allowedTypos(word);
    let best = k + 1;
    for (const t of tokens) {
      if (stems(word).some((s) => t.startsWith(s))) {
        best = 0;
        break;
      }
      best = Math.min(
        best,
        osaDistance(word, t.length > word.length + 1 ? t.slice(0, word.length + 1) : t, k),
      );
    }
    if (best > k) return null;
    total += best;
  }
  return total;
}
