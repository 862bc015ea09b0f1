/**
 * Rate tables are append-only (CONTRACT.md section 7): a table whose
 * effective_from is today or earlier may already value recorded orders, so a
 * pull request may not edit, remove or add one. Only tables starting in the
 * future (after `today`, UTC) may be added or changed. Admins included: a
 * correction is a new table dated in the future.
 */
import type { RateTable } from '../content/schema.ts';
import type { Finding } from './policy.ts';

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
    const before = new Map((base[retailer] ?? []).map((t) => [t.effective_from, t]));
    const after = new Map((head[retailer] ?? []).map((t) => [t.effective_from, t]));
    for (const [from, table] of before) {
      if (from > today) continue;
      const now = after.get(from);
      const field = `retailers.${retailer}[effective_from ${from}]`;
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
    for (const from of after.keys())
      if (!before.has(from) && from <= today)
        error(
          `retailers.${retailer}[effective_from ${from}]`,
          `adds a rate table starting ${from}, not in the future; new tables must start after ${today}`,
        );
  }
  return out;
}

/** A table's meaning as text: the order of categories in the YAML does not matter. */
function normal(table: RateTable): string {
  const rates = Object.entries(table.rates).sort(([a], [b]) => a.localeCompare(b));
  return JSON.stringify([table.effective_from, table.default_bps, rates]);
}
