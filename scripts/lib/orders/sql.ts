/** SQL literals for statements written to a file (the seed and the token script). */
export type SqlValue = string | number | null;

export function sqlLiteral(value: SqlValue): string {
  if (value === null) return 'NULL';
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer for SQL: ${value}`);
    return String(value);
  }
  return `'${value.replace(/'/g, "''")}'`;
}

/** INSERT statements of at most `perStatement` rows each. */
export function insertRows(
  table: string,
  columns: readonly string[],
  rows: readonly SqlValue[][],
  perStatement = 100,
): string[] {
  const statements: string[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((row) => `(${row.map(sqlLiteral).join(', ')})`);
    statements.push(`INSERT INTO ${table} (${columns.join(', ')}) VALUES\n${values.join(',\n')};`);
  }
  return statements;
}
