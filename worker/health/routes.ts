/**
 * `GET /healthz`: 200 only when D1 answers and the configuration is complete; otherwise
 * 503, naming every missing or malformed setting (worker/config/check.ts: a name and a
 * problem, never a secret's length or any part of it) and whether D1 is unreachable.
 *
 * Public, so bounded and quiet (CONTRACT.md section 16):
 * - D1 work: one query (the lasting click totals, which also proves D1 answers), its settled
 *   result kept in the isolate for PROBE_TTL_MS, so any number of requests costs D1 at most
 *   one query per isolate per PROBE_TTL_MS. A result is kept per D1 binding and only once
 *   settled, so no request awaits another's I/O.
 * - Details only with the admin token (Authorization: Bearer <ADMIN_TOKEN>, checked without
 *   D1): the click log's counters, this isolate's (how its clicks went: queued, direct,
 *   retried, failed = logged for `npm run clicks:recover`, dead_lettered) and D1's lasting
 *   totals per path; and this isolate's reads of the build-time stores (link shards, page
 *   store, image packs): hits, misses, failures and the latest failure. A past failure does not
 *   change the status: the stores are read again on the next request.
 */
import { Hono } from 'hono';
import { isAdminBearer } from '../auth/tokens.ts';
import { clickCounters } from '../clicks/click-log.ts';
import { writeCounts, type WritePath } from '../clicks/store.ts';
import { configProblems, describeProblem } from '../config/check.ts';
import type { AppEnv } from '../env.ts';
import { imageStoreCounters } from '../images/image-store.ts';
import { linkStoreCounters } from '../links/link-store.ts';
import { pageStoreCounters } from '../pages/page-store.ts';
import { requestBaseCounters } from '../requests/base-store.ts';
import { log } from '../lib/log.ts';
import { STATUS_OF } from '../lib/reasons.ts';

export const PROBE_TTL_MS = 5_000;

interface Probe {
  at: number;
  stored: Record<WritePath, number> | null;
}
const probes = new WeakMap<D1Database, Probe>();

/** D1's answer, from the isolate's last probe when it is fresh enough. */
async function probeD1(db: D1Database, now = Date.now()): Promise<Probe> {
  const cached = probes.get(db);
  if (cached && now - cached.at < PROBE_TTL_MS) return cached;
  let stored: Probe['stored'] = null;
  try {
    stored = await writeCounts(db);
  } catch (error) {
    log('error', 'healthz.d1_unreachable', { error: String(error) });
  }
  const probe = { at: now, stored };
  probes.set(db, probe);
  return probe;
}

export const health = new Hono<AppEnv>().get('/', async (c) => {
  const headers = { 'Cache-Control': 'no-store' };
  const config = configProblems(c.env);
  const { stored } = await probeD1(c.env.DB);
  const d1 = stored === null ? 'unreachable' : 'ok';
  if (config.length > 0) log('error', 'healthz.misconfigured', { problems: config.map(describeProblem) });
  const ok = d1 === 'ok' && config.length === 0;
  const details = (await isAdminBearer(c.env, c.req.header('authorization')))
    ? {
        clicks: { ...clickCounters, stored },
        stores: {
          links: linkStoreCounters,
          pages: pageStoreCounters,
          images: imageStoreCounters,
          requests: requestBaseCounters,
        },
      }
    : {};
  const reason = config.length > 0 ? 'misconfigured' : 'degraded';
  return c.json(
    {
      status: ok ? 'ok' : reason,
      d1,
      config: config.map((p) => ({ ...p, message: describeProblem(p) })),
      ...details,
    },
    ok ? 200 : STATUS_OF[reason],
    headers,
  );
});
