/** One logged request to a tracked link, as queued and as stored. */
import { z } from 'zod';
import { clickFlag } from './flags.ts';

/** Why a derived field of a click is missing; the click is stored all the same. */
export const incompleteReason = z.enum([
  'visitor_hash:no-secret',
  'visitor_hash:failed',
  'referrer_host:malformed',
  'src:invalid',
  'country:malformed',
  'describe:failed',
]);
export type IncompleteReason = z.infer<typeof incompleteReason>;

export const clickRecord = z.object({
  click_id: z.string().min(16).max(64),
  /** Unix milliseconds. */
  at: z.int().positive(),
  handle: z.string().min(1).max(64),
  product_id: z.string().max(64).nullable(),
  src: z.string().max(32).nullable(),
  referrer_host: z.string().max(255).nullable(),
  country: z.string().max(8).nullable(),
  /**
   * The marketplace (a retailer id) the shopper was sent to (CONTRACT.md section 14); null for a
   * bio link. Absent in messages queued before migration 0016; stored as NULL.
   */
  marketplace: z.string().max(64).nullable().optional(),
  device: z.enum(['mobile', 'tablet', 'desktop', 'bot', 'unknown']),
  /** Null when it could not be computed; `incomplete` then says why. */
  visitor_hash: z.string().min(1).max(64).nullable(),
  is_bot: z.boolean(),
  bot_reason: z.string().max(32).nullable(),
  method: z.enum(['GET', 'HEAD']),
  /** Absent in messages queued before migration 0006; treated as complete. */
  incomplete: z.array(incompleteReason).max(8).optional(),
  /** Suspicion flags known when the click was made (flags.ts); absent in older messages. */
  flags: z.array(clickFlag).max(3).optional(),
});
export type ClickRecord = z.infer<typeof clickRecord>;

/**
 * The most clicks one message may carry. A request sends one; the recovery script and messages
 * queued by older versions carry more. With the queue's max_batch_size of 100, a consumer batch
 * holds at most 100 x MAX_CLICKS_PER_MESSAGE clicks, the size the store is tested with.
 */
export const MAX_CLICKS_PER_MESSAGE = 100;

export const clickMessage = z.object({
  v: z.literal(1),
  clicks: z.array(clickRecord).min(1).max(MAX_CLICKS_PER_MESSAGE),
});
export type ClickMessage = z.infer<typeof clickMessage>;

/** The log event of a click that could not be stored (worker/clicks/click-log.ts); `npm run clicks:recover` reads it back. */
export const UNSAVED_EVENT = 'clicks.unsaved';
