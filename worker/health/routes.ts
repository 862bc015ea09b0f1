import { Hono } from 'hono';
import { clickCounters } from '../clicks/click-log.ts';
import type { AppEnv } from '../env.ts';

/** `GET /healthz`: 200 when D1 answers, 503 otherwise; with this isolate's click-log counters. */
export const health = new Hono<AppEnv>().get('/', async (c) => {
  const headers = { 'Cache-Control': 'no-store' };
  try {
    await c.env.DB.prepare('SELECT 1').first();
    return c.json({ status: 'ok', d1: 'ok', clicks: clickCounters }, 200, headers);
  } catch (error) {
    console.error(JSON.stringify({ event: 'healthz.d1_unreachable', error: String(error) }));
    return c.json({ status: 'degraded', d1: 'unreachable', clicks: clickCounters }, 503, headers);
  }
});
