/**
 * R3L of bench/redirect.ts (issue 26, information): R3's request path exactly (the same 302,
 * HMAC and waitUntil: bench/reference-worker.ts), with our click log behind it, built from our own
 * code so it cannot drift: the click it queues is our click message (clickMessageOf, in V8's
 * serialization as worker/clicks/click-log.ts sends it), its consumer is ours (consumeClicks) into
 * the project's migrated D1 (indexes, roll-up triggers, the flag UPDATE, the self flag). The
 * click's handle and product come from the request path (the bench's traffic), its visitor hash is
 * R3's HMAC, its id and time R3's; the other fields are fixed, plausible values. So shopfront − R3L
 * is our request path (routing, lookup, bot, device and country, destination, describing the
 * click) and R3L − R3 the click log's storage (message size, consumer, indexes, triggers, flags).
 */
import { clickMessageOf, type ClickRecord } from '../domain/clicks/message.ts';
import { consumeClicks } from '../worker/clicks/consumer.ts';
import { redirect, type ReferenceClick } from './reference-worker.ts';

type Fixed = Omit<ClickRecord, 'click_id' | 'at' | 'handle' | 'product_id' | 'visitor_hash'>;
// prettier-ignore
const FIXED: Fixed = { src: 'ig', referrer_host: 'www.instagram.com', country: 'US', marketplace: 'amazon-us',
  device: 'mobile', is_bot: false, bot_reason: null, method: 'GET' };

/** The click as our message: /go/<handle>/<product> read from the path. */
function sendOurs({ click_id, at, path, visitor_hash }: ReferenceClick, queue: Queue) {
  const [, , handle = '', product_id = null] = path.split('/');
  const click: ClickRecord = { click_id, at, handle, product_id, visitor_hash, ...FIXED };
  return queue.send(clickMessageOf([click]), { contentType: 'v8' });
}

export default {
  fetch: (request, env, ctx) => redirect(request, env, ctx, sendOurs),
  queue: consumeClicks,
} satisfies ExportedHandler<Env & { REFERENCE: string }>;
