/**
 * The one CSV writer of the project: RFC 4180 (comma-separated, CRLF line ends,
 * a field quoted when it holds a quote, comma or line break, quotes doubled),
 * and safe to open in a spreadsheet: a text cell that starts like a formula
 * (=, +, -, @, tab, carriage return) gets a leading apostrophe so it is shown as
 * text, never run. Numbers are written as they are (a negative amount stays a
 * number). Every CSV the project emits goes through here.
 */

export type CsvValue = string | number | boolean | null;

export function csvCell(value: CsvValue): string {
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A header row and data rows, each line ended by CRLF. */
export function csv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}
