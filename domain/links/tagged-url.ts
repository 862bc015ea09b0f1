/**
 * The retailer URL a shopper is sent to (CONTRACT.md section 9): the product URL
 * from content byte for byte, except that the tag and sub-tag parameters are set.
 *
 * `URL.searchParams.set` would re-serialise the whole query (`%20` becomes `+`,
 * `:` becomes `%3A`, `a` becomes `a=`), which breaks retailers that sign their
 * URLs. So the query is edited as text: pieces between `&` are kept exactly as
 * written, every piece whose decoded name is a parameter being set is dropped
 * (the first one's place is where the new value goes), and a parameter that was
 * not there is appended. The fragment is kept.
 */

/** A parameter to set: its name and its value (percent-encoded here). */
export type QueryParam = readonly [name: string, value: string];

export function taggedUrl(productUrl: string, params: readonly QueryParam[]): string {
  const hashAt = productUrl.indexOf('#');
  const beforeHash = hashAt === -1 ? productUrl : productUrl.slice(0, hashAt);
  const fragment = hashAt === -1 ? '' : productUrl.slice(hashAt);
  const queryAt = beforeHash.indexOf('?');
  const base = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  const query = queryAt === -1 ? null : beforeHash.slice(queryAt + 1);

  const names = new Map(
    params.map(([name, value]) => [name, `${encodeURIComponent(name)}=${encodeURIComponent(value)}`]),
  );
  const placed = new Set<string>();
  const pieces: string[] = [];
  for (const piece of query === null || query === '' ? [] : query.split('&')) {
    const name = pieceName(piece);
    const replacement = names.get(name);
    if (replacement === undefined) {
      pieces.push(piece);
    } else if (!placed.has(name)) {
      placed.add(name);
      pieces.push(replacement);
    }
  }
  for (const [name, replacement] of names) if (!placed.has(name)) pieces.push(replacement);
  return `${base}?${pieces.join('&')}${fragment}`;
}

/** A query piece's name as a retailer's form decoder reads it: `+` is a space, `%XX` a byte. */
export function pieceName(piece: string): string {
  const eq = piece.indexOf('=');
  return formDecode(eq === -1 ? piece : piece.slice(0, eq));
}

function formDecode(text: string): string {
  const spaced = text.replace(/\+/g, ' ');
  try {
    return decodeURIComponent(spaced);
  } catch {
    // A stray "%" that starts no escape stays as written, as URLSearchParams leaves it.
    return spaced.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
      const code = Number.parseInt(hex, 16);
      return code < 0x80 ? String.fromCharCode(code) : escape;
    });
  }
}
