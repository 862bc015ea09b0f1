/**
 * The `self` signal (CONTRACT.md section 16): a member's own dashboard visitor hash per UTC
 * day (migrations/0018_click_flags.sql, dashboard_visitors). A click on that member's links
 * with the same visitor hash the same day is flagged self, whichever comes first:
 * - dashboard first: the click consumer flags it (worker/clicks/store.ts, in its INSERT);
 * - click first: recording the hash here flags the member's clicks of that day at once.
 * The hash is the click's own (worker/links/visitor-hash.ts: keyed, daily, no IP or user agent
 * stored). Never throws into a page: a failure is logged and the dashboard answers as usual.
 */
import { dayStart, DAY_MS, utcDay } from '../../domain/time.ts';
import { CLICK_FLAGS } from '../../domain/clicks/flags.ts';
import { settingProblem } from '../config/check.ts';
import { visitorHash } from '../links/visitor-hash.ts';
import { log } from '../lib/log.ts';

const RECORD = 'INSERT OR IGNORE INTO dashboard_visitors (handle, day, visitor_hash) VALUES (?1, ?2, ?3)';
const FLAG_EARLIER = `
UPDATE clicks SET flags = flags | ${CLICK_FLAGS.self}
WHERE visitor_hash = ?2 AND at >= ?3 AND at < ?4 AND handle = ?1 AND (flags & ${CLICK_FLAGS.self}) = 0`;

/** What this isolate already recorded (day|handle|hash): a dashboard page view writes once a day. */
const recorded = new Set<string>();

export async function recordDashboardVisitor(
  env: Env,
  handle: string,
  request: Request,
  now = new Date(),
): Promise<void> {
  if (settingProblem(env, 'VISITOR_HASH_SECRET')) return;
  try {
    const hash = await visitorHash(
      env.VISITOR_HASH_SECRET,
      now,
      request.headers.get('cf-connecting-ip') ?? '',
      request.headers.get('user-agent') ?? '',
    );
    const day = utcDay(now);
    const key = `${day}|${handle}|${hash}`;
    if (recorded.has(key)) return;
    const start = dayStart(day);
    await env.DB.batch([
      env.DB.prepare(RECORD).bind(handle, day, hash),
      env.DB.prepare(FLAG_EARLIER).bind(handle, hash, start, start + DAY_MS),
    ]);
    if (recorded.size >= 10_000) recorded.clear();
    recorded.add(key);
  } catch (error) {
    log('error', 'dashboard.visitor_record_failed', { handle, error: String(error) });
  }
}
