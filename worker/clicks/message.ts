/** One logged request to a tracked link, as queued and as stored. */
import { z } from 'zod';

export const clickRecord = z.object({
  click_id: z.string().min(16).max(64),
  /** Unix milliseconds. */
  at: z.int().positive(),
  handle: z.string().min(1).max(64),
  product_id: z.string().max(64).nullable(),
  src: z.string().max(32).nullable(),
  referrer_host: z.string().max(255).nullable(),
  country: z.string().max(8).nullable(),
  device: z.enum(['mobile', 'tablet', 'desktop', 'bot', 'unknown']),
  visitor_hash: z.string().min(1).max(64),
  is_bot: z.boolean(),
  bot_reason: z.string().max(32).nullable(),
  method: z.enum(['GET', 'HEAD']),
});
export type ClickRecord = z.infer<typeof clickRecord>;

/** A queue message carries the clicks of one flush, so a busy isolate sends one message, not one per click. */
export const clickMessage = z.object({ v: z.literal(1), clicks: z.array(clickRecord).min(1) });
export type ClickMessage = z.infer<typeof clickMessage>;
