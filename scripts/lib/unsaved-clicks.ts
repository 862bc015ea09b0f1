/**
 * Finds the clicks of `clicks.unsaved` log lines (worker/clicks/click-log.ts) in a log
 * file, whatever way the log was saved: the worker's own lines (wrangler dev output,
 * `wrangler tail` pretty output), `wrangler tail --format json` (the line is a string
 * inside `logs[].message`), or a Workers Logs export (a JSON array or one JSON object per
 * line, with the line parsed into fields). Each click is checked against the same schema
 * the queue consumer uses; a bad one is reported with its line number, never sent.
 */
import { clickRecord, UNSAVED_EVENT, type ClickRecord } from '../../domain/clicks/message.ts';
import type { Issue } from '../../domain/issues.ts';

export interface UnsavedScan {
  clicks: ClickRecord[];
  /** Lines whose `clicks.unsaved` entry does not hold a valid click. */
  problems: Issue<{ line: number }>[];
}

export function findUnsavedClicks(text: string): UnsavedScan {
  const found = new Map<string, ClickRecord>();
  const problems: UnsavedScan['problems'] = [];
  const take = (value: unknown, line: number) => {
    for (const candidate of unsavedEntries(value)) {
      const parsed = clickRecord.safeParse(candidate);
      if (parsed.success) found.set(parsed.data.click_id, parsed.data);
      else
        problems.push({
          line,
          message: parsed.error.issues.map((i) => `${i.path.join('.') || 'click'}: ${i.message}`).join('; '),
        });
    }
  };
  const whole = tryJson(text.trim());
  if (whole !== undefined && typeof whole === 'object') take(whole, 1);
  else
    text.split('\n').forEach((raw, index) => {
      if (!raw.includes(UNSAVED_EVENT)) return;
      const line = raw.trim();
      const parsed = tryJson(line) ?? tryJson(line.slice(line.indexOf('{')));
      if (parsed === undefined)
        problems.push({ line: index + 1, message: 'mentions clicks.unsaved but is not JSON' });
      else take(parsed, index + 1);
    });
  return { clicks: [...found.values()], problems };
}

/** The `click` of every `{ event: "clicks.unsaved", click }` inside a value, however deeply nested or string-encoded. */
function unsavedEntries(value: unknown): unknown[] {
  if (typeof value === 'string') {
    if (!value.includes(UNSAVED_EVENT)) return [];
    const parsed = tryJson(value.trim()) ?? tryJson(value.slice(value.indexOf('{')));
    return parsed === undefined || typeof parsed === 'string' ? [] : unsavedEntries(parsed);
  }
  if (Array.isArray(value)) return value.flatMap(unsavedEntries);
  if (typeof value === 'object' && value !== null) {
    if ('event' in value && value.event === UNSAVED_EVENT && 'click' in value) return [value.click];
    return Object.values(value).flatMap(unsavedEntries);
  }
  return [];
}

function tryJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
