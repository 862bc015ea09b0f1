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

/** Version 1: every click with its fields named. Still read: messages queued by earlier versions. */
export const clickMessageV1 = z.object({
  v: z.literal(1),
  clicks: z.array(clickRecord).min(1).max(MAX_CLICKS_PER_MESSAGE),
});

/**
 * Version 2 (issue 26): each click as a positional tuple, the fields in this order, the last two
 * only when present:
 *   [click_id, at, handle, product_id, src, referrer_host, country, marketplace, device,
 *    visitor_hash, is_bot, bot_reason, method, incomplete?, flags?]
 *   incomplete = null  when flags follows and the click has no incomplete
 *   marketplace = null when the click has none (absent in a v1 click: stored as NULL either way)
 * Same values and the same checks as clickRecord; decode(encode(click)) = click for every click
 * with a marketplace (null or not), i.e. every click the redirect makes.
 */
const clickFields = z.tuple([
  clickRecord.shape.click_id,
  clickRecord.shape.at,
  clickRecord.shape.handle,
  clickRecord.shape.product_id,
  clickRecord.shape.src,
  clickRecord.shape.referrer_host,
  clickRecord.shape.country,
  clickRecord.shape.marketplace.unwrap(),
  clickRecord.shape.device,
  clickRecord.shape.visitor_hash,
  clickRecord.shape.is_bot,
  clickRecord.shape.bot_reason,
  clickRecord.shape.method,
  clickRecord.shape.incomplete.unwrap().nullable().optional(),
  clickRecord.shape.flags,
]);
export type ClickTuple = z.infer<typeof clickFields>;

/** A checked tuple back into its named click (the inverse of encodeClick). */
function decodeClick(fields: ClickTuple): ClickRecord {
  const [click_id, at, handle, product_id, src, referrer_host, country, marketplace, device] = fields;
  const [, , , , , , , , , visitor_hash, is_bot, bot_reason, method, incomplete, flags] = fields;
  const click: ClickRecord = {
    click_id,
    at,
    handle,
    product_id,
    src,
    referrer_host,
    country,
    marketplace,
    device,
    visitor_hash,
    is_bot,
    bot_reason,
    method,
  };
  if (incomplete != null) click.incomplete = incomplete;
  if (flags !== undefined) click.flags = flags;
  return click;
}

export const clickMessageV2 = z.object({
  v: z.literal(2),
  c: z.array(clickFields.transform(decodeClick)).min(1).max(MAX_CLICKS_PER_MESSAGE),
});

/** A queued click message of either version, read as its clicks. */
export const clickMessage = z
  .discriminatedUnion('v', [clickMessageV1, clickMessageV2])
  .transform((message): ClickRecord[] => (message.v === 1 ? message.clicks : message.c));
/** What a sender may queue (the consumer reads both versions). */
export type ClickMessage = z.input<typeof clickMessage>;

/** One click as a version 2 tuple (trailing fields left out when absent). */
export function encodeClick(click: ClickRecord): ClickTuple {
  const { incomplete, flags } = click;
  const fields: ClickTuple = [
    click.click_id,
    click.at,
    click.handle,
    click.product_id,
    click.src,
    click.referrer_host,
    click.country,
    click.marketplace ?? null,
    click.device,
    click.visitor_hash,
    click.is_bot,
    click.bot_reason,
    click.method,
  ];
  if (flags !== undefined) fields.push(incomplete ?? null, flags);
  else if (incomplete !== undefined) fields.push(incomplete);
  return fields;
}

/** The version 2 message of some clicks (what logClick queues). */
export function clickMessageOf(clicks: readonly ClickRecord[]): ClickMessage {
  return { v: 2, c: clicks.map(encodeClick) };
}

/** The log event of a click that could not be stored (worker/clicks/click-log.ts); `npm run clicks:recover` reads it back. */
export const UNSAVED_EVENT = 'clicks.unsaved';
