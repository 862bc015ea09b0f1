import { Hono } from 'hono';
import type { AppEnv } from '../env.ts';

/** `GET /healthz`: 200 when D1 answers, 503 otherwise. */
export const health = new Hono<AppEnv>().get('/', async (c) => {
  try {
    await c.env.DB.prepare('SELECT 1').first();
    return c.json({ status: 'ok', d1: 'ok' }, 200, { 'Cache-Control': 'no-store' });
  } catch (error) {
    console.error(JSON.stringify({ event: 'healthz.d1_unreachable', error: String(error) }));
    return c.json({ status: 'degraded', d1: 'unreachable' }, 503, { 'Cache-Control': 'no-store' });
  }
});
