/** Sending signed order events to the worker under test, the way a retailer's system would. */
import { env, exports } from 'cloudflare:workers';
import { Webhook } from 'standardwebhooks';
import { sha256Hex } from '../../domain/requests/signature.ts';
import programTable from '../../worker/generated/program.ts';

export const ORIGIN = 'https://shop.test';

/** Approved influencers of the sample content, by handle. */
export const influencers = Object.entries(programTable.influencers)
  .filter(([, i]) => i.status === 'approved' && i.program === 'influencer')
  .map(([handle, i]) => ({ handle, trackingId: i.tracking_id }));
/** Approved associates of the sample content (website publishers), by handle. */
export const associates = Object.entries(programTable.influencers)
  .filter(([, i]) => i.status === 'approved' && i.program === 'associate')
  .map(([handle, i]) => ({ handle, trackingId: i.tracking_id }));
const [first, second, third, fourth] = influencers;
if (!first || !second || !third || !fourth)
  throw new Error('the sample content needs four approved influencers');
/** Test files use different influencers (and date ranges), so their figures never mix. */
export const ALICE = first;
export const BOB = second;
export const CAROL = third;
export const DAVE = fourth;

/** Stores an influencer token the way `npm run token -- create` does (only its SHA-256) and returns it. */
export async function createToken(handle: string): Promise<string> {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const token = `sft_${btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '')}`;
  await env.DB.prepare(
    'INSERT INTO api_tokens (token_hash, handle, label, created_at) VALUES (?1, ?2, ?3, ?4)',
  )
    .bind(await sha256Hex(token), handle, 'test', Date.now())
    .run();
  return token;
}

export function get(path: string, token?: string, headers: Record<string, string> = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, {
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });
}

export interface EventBody {
  type: 'order.placed' | 'order.shipped' | 'order.cancelled' | 'order.returned';
  order_id: string;
  ordered_at: string;
  occurred_at: string;
  tracking_id: string;
  click_id?: string;
  currency: string;
  items: { product_id: string; category: string; quantity: number; unit_price: number }[];
}

let counter = 0;
/** A unique id for orders and webhook messages in this test run. */
export function uid(prefix: string): string {
  return `${prefix}_${Date.now().toString(36)}_${(counter++).toString(36)}_${crypto.randomUUID().slice(0, 8)}`;
}

export function placed(overrides: Partial<EventBody> = {}): EventBody {
  return {
    type: 'order.placed',
    order_id: uid('ord'),
    ordered_at: '2026-11-03T14:22:10Z',
    occurred_at: '2026-11-03T14:22:10Z',
    tracking_id: ALICE.trackingId,
    currency: 'USD',
    items: [{ product_id: 'B00006JSUA', category: 'kitchen', quantity: 1, unit_price: 2499 }],
    ...overrides,
  };
}

export interface SendOptions {
  id?: string;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  secret?: string;
  /** Replaces the computed signature header entirely. */
  signature?: string;
  headers?: Record<string, string>;
}

/** A webhook delivery signed with the reference implementation (the standardwebhooks package). */
export function signedWebhook(body: EventBody | string, options: SendOptions = {}): RequestInit {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const id = options.id ?? uid('msg');
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const signature =
    options.signature ??
    new Webhook(options.secret ?? env.ORDER_WEBHOOK_SECRET).sign(id, new Date(timestamp * 1000), payload);
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
      ...options.headers,
    },
    body: payload,
  };
}

/** Signs a delivery (signedWebhook) and posts it to the worker. */
export function send(body: EventBody | string, options: SendOptions = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}/webhooks/orders`, signedWebhook(body, options));
}

export interface Figures {
  pending: number;
  earned: number;
  reversed: number;
  void: number;
  net: number;
}

/** The ledger figures of one order, straight from D1 (reversed as a positive number). */
export async function orderFigures(orderId: string): Promise<Figures> {
  const row = await env.DB.prepare(
    `SELECT
       COALESCE(SUM(CASE WHEN bucket = 'pending' THEN amount_minor END), 0) AS pending,
       COALESCE(SUM(CASE WHEN bucket = 'earned' THEN amount_minor END), 0) AS earned,
       COALESCE(-SUM(CASE WHEN bucket = 'reversed' THEN amount_minor END), 0) AS reversed,
       COALESCE(SUM(CASE WHEN bucket = 'void' THEN amount_minor END), 0) AS void
     FROM ledger_entries WHERE order_id = ?1`,
  )
    .bind(orderId)
    .first<{ pending: number; earned: number; reversed: number; void: number }>();
  if (!row) throw new Error('no row');
  return { ...row, net: row.earned - row.reversed };
}
