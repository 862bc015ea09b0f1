/**
 * The one structured logger: every log line of the worker is one JSON object,
 *
 *   { "level": "info" | "warn" | "error", "event": "<area>.<what>", ...fields }
 *
 * level and event first and always present (a field cannot override them); fields as
 * given, except that a field whose name says it holds a secret (secret, token, password,
 * authorization, cookie, signature, key) is written as "[redacted]": a log line never
 * carries a secret. info goes to console.info (not console.log: `wrangler dev --log-level info`
 * hides log-level output), warn and error to console.error (what Workers Logs and `wrangler
 * tail` show as the line's level). Event names are stable:
 * tests, `/healthz` readers and `npm run clicks:recover` (`clicks.unsaved`) rely on them.
 * No work beyond building the one line: safe on the redirect's waitUntil path.
 */
export type LogLevel = 'info' | 'warn' | 'error';

const SECRET_FIELD = /secret|token|password|authorization|cookie|signature|(^|_)key$/i;

export function logLine(
  level: LogLevel,
  event: string,
  fields: Readonly<Record<string, unknown>> = {},
): string {
  const line: Record<string, unknown> = { level, event };
  for (const name in fields) {
    if (name === 'level' || name === 'event') continue;
    line[name] = SECRET_FIELD.test(name) ? '[redacted]' : fields[name];
  }
  return JSON.stringify(line);
}

export function log(level: LogLevel, event: string, fields: Readonly<Record<string, unknown>> = {}): void {
  const line = logLine(level, event, fields);
  if (level === 'info') console.info(line);
  else console.error(line);
}
