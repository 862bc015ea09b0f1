/**
 * Typed reads of D1 result rows: a wrong column type is a bug worth a clear
 * error, not a value cast into shape.
 */
export type Row = Record<string, unknown>;

export function text(row: Row, key: string): string {
  const value = row[key];
  if (typeof value !== 'string') throw new TypeError(`column ${key}: expected text, got ${typeof value}`);
  return value;
}

export function textOrNull(row: Row, key: string): string | null {
  return row[key] === null ? null : text(row, key);
}

export function integer(row: Row, key: string): number {
  const value = row[key];
  if (typeof value !== 'number' || !Number.isSafeInteger(value))
    throw new TypeError(`column ${key}: expected an integer, got ${String(value)}`);
  return value;
}

/** SUM() over no rows is NULL. */
export function integerOrZero(row: Row, key: string): number {
  return row[key] === null || row[key] === undefined ? 0 : integer(row, key);
}
