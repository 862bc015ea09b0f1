/**
 * `GET /healthz`: 200 only when D1 answers and the configuration is complete; otherwise
 * 503, naming every missing or malformed setting (worker/config/check.ts) and whether D1
 * is unreachable. Always with the click log's counters: this isolate's (how its clicks
 * went: queued, direct, retried, failed = logged for `npm run clicks:recover`,
 * dead_lettered) and D1's lasting totals of clicks stored per path; and this isolate's reads
 * of the build-time stores the worker serves from (link shards, page store, image packs):
 * hits, misses, failures (each answered 503 and logged) and the latest failure. A past
 * failure does not change the status: the stores are read again on the next request.
 */
import { Hono } from 'hono';
import { clickCounters } from '../clicks/click-log.ts';
import { writeCounts, type WritePath } from '../clicks/store.ts';
import { configProblems, describeProblem } from '../config/check.ts';
import type { AppEnv } from '../env.ts';
import { imageStoreCounters } from '../images/image-store.ts';
import { linkStoreCounters } from '../links/link-store.ts';
import { pageStoreCounters } from '../pages/page-store.ts';
import { requestBaseCounters } from '../requests/base-store.ts';

export const health = new Hono<AppEnv>().get('/', async (c) => {
  const headers = { 'Cache-Control': 'no-store' };
  const config = configProblems(c.env);
  let stored: Record<WritePath, number> | null = null;
  let d1: 'ok' | 'unreachable' = 'ok';
  try {
    await c.env.DB.prepare('SELECT 1').first();
    stored = await writeCounts(c.env.DB);
  } catch (error) {
    d1 = 'unreachable';
    console.error(JSON.stringify({ event: 'healthz.d1_unreachable', error: String(error) }));
  }
  if (config.length > 0)
    console.error(JSON.stringify({ event: 'healthz.misconfigured', problems: config.map(describeProblem) }));
  const ok = d1 === 'ok' && config.length === 0;
  return c.json(
    {
      status: ok ? 'ok' : config.length > 0 ? 'misconfigured' : 'degraded',
      d1,
      config: config.map((p) => ({ ...p, message: describeProblem(p) })),
      clicks: { ...clickCounters, stored },
      stores: {
        links: linkStoreCounters,
        pages: pageStoreCounters,
        images: imageStoreCounters,
        requests: requestBaseCounters,
      },
    },
    ok ? 200 : 503,
    headers,
  );
});
