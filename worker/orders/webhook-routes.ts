/**
 * `POST /webhooks/orders` (CONTRACT.md section 4). Order of checks: size (413),
 * signature and timestamp (401), body (400), marketplace and its currency (422,
 * section 14: domain/orders/marketplace.ts), program rules (400), then the store:
 * 200 duplicate (an event id already stored, checked first), the event deciding the
 * order's credit (its first, a placed one becoming its head, or one whose arrival credits
 * a stored uncredited order by its stored head) refused when the head's tracking id is
 * recorded only for other marketplaces (422 other_marketplace naming tracking_id, nothing
 * stored; a home id is its group's; a credited order is never judged again, any other
 * event follows the order's marketplace: domain/orders/apply.ts planOrder,
 * report-tracking.ts), an event refused for what its order holds (400), 200 processed,
 * 202 unattributed, or 503 with Retry-After when D1 is down (Standard Webhooks senders
 * retry; the event id makes the retry safe). Before
 * all of that, a missing or malformed ORDER_WEBHOOK_SECRET is our fault, not the
 * sender's: 503 with Retry-After, so the event is sent again once it is set.
 */
import { admissionIssues, type IncomingEvent, type Rejected } from '../../domain/orders/apply.ts';
import { parseOrderEvent } from '../../domain/orders/event.ts';
import { withMarketplace } from '../../domain/orders/marketplace.ts';
import { describeProblem, settingProblem } from '../config/check.ts';
import { log } from '../lib/log.ts';
import { problem } from '../lib/problem.ts';
import { decodeUtf8, readLimited } from '../lib/body.ts';
import { program } from './program.ts';
import { verifyWebhook, WebhookSecretError } from './signature.ts';
import { ingest } from './ingest.ts';
import { StoreUnavailableError } from './store.ts';

export const MAX_WEBHOOK_BYTES = 1024 * 1024;
const RETRY_AFTER_SECONDS = '30';

/**
 * POST /webhooks/orders (and "/webhooks/orders/"): answered by worker.ts before the general
 * router (issue 26), as /go/ is, so an event pays for no router dispatch.
 */
export function isOrderWebhook(request: Request, url: URL): boolean {
  return (
    request.method === 'POST' && (url.pathname === '/webhooks/orders' || url.pathname === '/webhooks/orders/')
  );
}

/** The webhook's answer, in the order of checks above. Every answer is built here (mutable headers). */
export async function orderWebhookAnswer(request: Request, env: Env): Promise<Response> {
  // Checked before anything else: without a usable secret no event can be verified (503, the sender retries).
  const misconfigured = settingProblem(env, 'ORDER_WEBHOOK_SECRET');
  if (misconfigured) {
    log('error', 'orders.webhook_misconfigured', {
      setting: misconfigured.setting,
      problem: misconfigured.problem,
    });
    return secretUnusable(describeProblem(misconfigured));
  }
  const received = await receivedEvent(request, env.ORDER_WEBHOOK_SECRET);
  if (received instanceof Response) return received;
  try {
    const status = await ingest(env.DB, program, received);
    if (typeof status === 'object') return rejected(status, received);
    return Response.json({ status }, { status: status === 'unattributed' ? 202 : 200 });
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    log('error', 'orders.store_unavailable', { event_id: received.event_id, error: error.message });
    return problem('store_unavailable', 'order store unavailable, retry later', undefined, {
      'Retry-After': RETRY_AFTER_SECONDS,
    });
  }
}

/** The event as the store takes it, or the answer refusing it (size, signature, body, marketplace, rules). */
async function receivedEvent(request: Request, secret: string): Promise<IncomingEvent | Response> {
  const bytes = await readLimited(request, MAX_WEBHOOK_BYTES);
  if (bytes === null) return problem('body_too_large', 'body exceeds 1 MiB');

  let verified;
  try {
    verified = await verifyWebhook(secret, request.headers, bytes, Math.floor(Date.now() / 1000));
  } catch (error) {
    if (!(error instanceof WebhookSecretError)) throw error;
    log('error', 'orders.webhook_secret_invalid', { error: error.message });
    return secretUnusable(error.message);
  }
  if (!verified.ok) return problem('bad_signature', `signature check failed: ${verified.reason}`);
  if (verified.id.length > 256 || !/^[\x21-\x7e]+$/.test(verified.id))
    return problem('invalid', 'invalid webhook-id', [
      { path: 'headers.webhook-id', message: 'must be 1 to 256 printable ASCII characters without spaces' },
    ]);

  const body = decodeUtf8(bytes);
  if (body === null)
    return problem('invalid', 'body is not UTF-8', [
      { path: '(body)', message: 'must be UTF-8 encoded JSON' },
    ]);
  let data: unknown;
  try {
    data = JSON.parse(body);
  } catch (error) {
    return problem('invalid', 'malformed JSON', [
      { path: '(body)', message: error instanceof Error ? error.message : 'not JSON' },
    ]);
  }
  const parsed = parseOrderEvent(data);
  if (!parsed.ok) return problem('invalid', 'invalid order event', parsed.issues);
  const market = withMarketplace(parsed.event, program.table);
  if (!market.ok) return problem(market.reason, 'order event not in its marketplace', market.issues);
  const issues = admissionIssues(market.event, program);
  if (issues.length > 0) return problem('invalid', 'invalid order event', issues);
  return { event_id: verified.id, source: 'webhook', body, received_at: Date.now(), event: market.event };
}

/** An event the store refused for what its order holds (nothing stored): 422 other_marketplace or 400. */
function rejected(outcome: Rejected, received: IncomingEvent): Response {
  if (outcome.reason !== 'other_marketplace')
    return problem('invalid', 'invalid order event', outcome.issues);
  log('warn', 'orders.webhook_other_marketplace', {
    event_id: received.event_id,
    order_id: received.event.order_id,
    marketplace: received.event.retailer,
    tracking_id: received.event.tracking_id,
  });
  return problem(outcome.reason, 'order event not in its marketplace', outcome.issues);
}

/** The receiver cannot check signatures; the sender keeps the event and retries. */
function secretUnusable(reason: string): Response {
  return problem('misconfigured', `webhook receiver misconfigured (${reason}), retry later`, undefined, {
    'Retry-After': RETRY_AFTER_SECONDS,
  });
}
