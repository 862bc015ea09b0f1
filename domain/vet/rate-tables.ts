/**
 * Rate tables are append-only (CONTRACT.md section 7): a table whose
 * effective_from is today or earlier may already value recorded orders, so a
 * pull request may not edit, remove or add one. Only tables starting in the
 * future (after `today`, UTC) may be added or changed. Admins included: a
 * correction is a new table dated in the future.
 */
import type { RateTable } from '../content/schema.ts';
import type { Finding } from './finding.ts';

export const RATES_FILE = 'content/commission-rates.yaml';

export function rateTableFindings(
  base: Readonly<Record<string, readonly RateTable[]>>,
  head: Readonly<Record<string, readonly RateTable[]>>,
  /** "YYYY-MM-DD", UTC. */
  today: string,
): (Finding & { file: string })[] {
  const out: (Finding & { file: string })[] = [];
  const error = (field: string, message: string) =>
    out.push({ file: RATES_FILE, level: 'error', check: 'Rate tables', field, message });
  for (const retailer of [...new Set([...Object.keys(base), ...Object.keys(head)])].sort()) {
    // A table is known by its day and program: a shared and a program's own table may share a day.
    const before = new Map((base[retailer] ?? []).map((t) => [keyOf(t), t]));
    const after = new Map((head[retailer] ?? []).map((t) => [keyOf(t), t]));
    for (const [key, table] of before) {
      const from = table.effective_from;
      if (from > today) continue;
      const now = after.get(key);
      const field = `retailers.${retailer}[${labelOf(table)}]`;
      if (!now)
        error(
          field,
          `removes a rate table in force since ${from}; tables are append-only (add a new one dated after ${today})`,
        );
      else if (normal(now) !== normal(table))
        error(
          field,
          `edits a rate table in force since ${from}; tables are append-only: add a corrected table dated after ${today}`,
        );
    }
    for (const [key, table] of after)
      if (!before.has(key) && table.effective_from <= today)
        error(
          `retailers.${retailer}[${labelOf(table)}]`,
          `adds a rate table starting ${table.effective_from}, not in the future; new tables must start after ${today}`,
        );
  }
  return out;
}

function keyOf(table: RateTable): string {
  return `${table.effective_from} ${table.program ?? ''}`;
}

/** How a report names a table: its day, and its program when it has one. */
function labelOf(table: RateTable): string {
  return `effective_from ${table.effective_from}${table.program ? `, program ${table.program}` : ''}`;
}

/** A table's meaning as text: the order of categories in the YAML does not matter. */
function normal(table: RateTable): string {
  const rates = Object.entries(table.rates).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([table.effective_from, table.program ?? null, table.default_bps, rates]);
}
