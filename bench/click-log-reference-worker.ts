/**
 * R3L of bench/redirect.ts (issue 26): R3's request path (bench/reference-worker.ts) with our click log
 * behind it, from our own code so it cannot drift: our click message (clickMessageOf, V8-serialized as
 * worker/clicks/click-log.ts sends it) consumed by consumeClicks into the project's migrated D1. Handle
 * and product from the request path, R3's HMAC, id and time; the other fields fixed.
 */
import { clickMessageOf, type ClickRecord } from '../domain/clicks/message.ts';
import { consumeClicks } from '../worker/clicks/consumer.ts';
import { redirect, type ReferenceClick } from './reference-worker.ts';

// prettier-ignore
const FIXED = { src: 'ig', referrer_host: 'www.instagram.com', country: 'US', marketplace: 'amazon-us',
  device: 'mobile', is_bot: false, bot_reason: null, method: 'GET' } as const;

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
