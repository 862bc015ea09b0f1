/**
 * The storefront's read of "Most popular" (worker/storefront/popularity.ts): one KV value per
 * 1/64 of the handles, kept parsed in this isolate for an hour. Only a render reads it (a cached
 * page reads nothing), and a failure is logged and shows no "Most popular" section, never a 500.
 */
import { z } from 'zod';
import { HOUR_MS } from '../../domain/time.ts';
import { popularityKey, popularityShardOf } from './popularity.ts';
import { log } from '../lib/log.ts';

const shardValue = z.object({ handles: z.record(z.string(), z.array(z.string())) });

const KEEP_MS = HOUR_MS;
const cached = new Map<number, { at: number; handles: Record<string, string[]> }>();

/** The handle's products, most clicked first (empty before the first refresh or on a failure). */
export async function popularProducts(env: { SESSION: KVNamespace }, handle: string): Promise<string[]> {
  const shard = popularityShardOf(handle);
  const now = Date.now();
  let entry = cached.get(shard);
  if (!entry || now - entry.at > KEEP_MS) {
    try {
      const parsed = shardValue.safeParse(await env.SESSION.get(popularityKey(shard), 'json'));
      entry = { at: now, handles: parsed.success ? parsed.data.handles : {} };
    } catch (error) {
      log('error', 'storefront.popularity_unreadable', { shard, error: String(error) });
      entry = { at: now, handles: {} };
    }
    cached.set(shard, entry);
  }
  return Object.hasOwn(entry.handles, handle) ? (entry.handles[handle] ?? []) : [];
}

/** Forgets the isolate's copies (tests). */
export function clearPopularity(): void {
  cached.clear();
}
