/**
 * Typed reads of D1 result rows: a wrong column type is a bug worth a clear
 * error, not a value cast into shape.
 */
import type { z } from 'zod';
import { withRetry } from './d1-retry.ts';

export type Row = Record<string, unknown>;

/** The rows of one read (raw SQL, bound params), retried on D1's transient failures. */
export async function readRows(db: D1Database, sql: string, ...params: unknown[]): Promise<Row[]> {
  const { results } = await withRetry(() =>
    db
      .prepare(sql)
      .bind(...params)
      .all<Row>(),
  );
  return results;
}

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

/** A column whose value a schema decides (an enum, a nullable id), with the column named when it fails. */
export function parsedBy<T>(schema: z.ZodType<T>): ColumnReader<T> {
  return (row, key) => {
    const result = schema.safeParse(row[key]);
    if (!result.success) throw new TypeError(`column ${key}: unexpected ${String(row[key])}`);
    return result.data;
  };
}

/** How one column is read: `text`, `integer`, ... or a reader built on them. */
export type ColumnReader<T> = (row: Row, key: string) => T;

/**
 * One mapping from a result row to a typed value, column by column: each key of `columns` is read
 * from the column of the same name with its reader. `rowReader({ id: text, n: integer })(row)`.
 */
export function rowReader<C extends Record<string, ColumnReader<unknown>>>(
  columns: C,
): (row: Row) => { [K in keyof C]: ReturnType<C[K]> } {
  const entries = Object.entries(columns);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [key, read] of entries) out[key] = read(row, key);
    return out as { [K in keyof C]: ReturnType<C[K]> };
  };
}
