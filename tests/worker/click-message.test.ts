/**
 * The click message on the real queue and consumer (domain/clicks/message.ts): logClick queues
 * version 2 (positional fields, V8 serialization), the consumer stores it as the same row as the
 * version 1 message of the same click (which it still reads: earlier versions queued it), and
 * a malformed version 2 message is logged whole and acknowledged while the rest of its batch is
 * stored.
 */
import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, inject, it, vi } from 'vitest';
import { flagBits } from '../../domain/clicks/flags.ts';
import {
  clickMessageOf,
  encodeClick,
  type ClickMessage,
  type ClickRecord,
} from '../../domain/clicks/message.ts';
import { logClick } from '../../worker/clicks/click-log.ts';
import { CLICKS_QUEUE, consumeClicks } from '../../worker/clicks/consumer.ts';
import { waitForClicks, type ClickRow } from './helpers.ts';

const [link] = inject('expectedLinks');
if (!link) throw new Error('no sample links');

afterEach(() => {
  vi.restoreAllMocks();
});

let serial = 0;
/** A click of its own visitor (so no duplicate or burst flag depends on another test's clicks). */
function click(overrides: Partial<ClickRecord> = {}): ClickRecord {
  const id = `msg-${serial++}-${crypto.randomUUID()}`;
  return {
    click_id: id,
    at: Date.now(),
    handle: link!.handle,
    product_id: link!.product,
    src: 'ig',
    referrer_host: 'l.instagram.com',
    country: 'US',
    marketplace: 'amazon-us',
    device: 'mobile',
    visitor_hash: `vh-${id}`.slice(0, 64),
    is_bot: false,
    bot_reason: null,
    method: 'GET',
    ...overrides,
  };
}

/** Clicks that between them use every field and every optional one. */
const variants: Partial<ClickRecord>[] = [
  {},
  { marketplace: null, product_id: null, src: null, referrer_host: null, country: null },
  { incomplete: ['visitor_hash:no-secret'], visitor_hash: null },
  { flags: ['no_activation'] },
  { incomplete: ['src:invalid', 'country:malformed'], flags: ['no_activation'], src: null, country: null },
  { is_bot: true, bot_reason: 'crawler', device: 'bot', method: 'HEAD' },
];

const delivery = (id: string, body: unknown) => ({ id, timestamp: new Date(), attempts: 1, body });

async function deliver(messages: Parameters<typeof createMessageBatch>[1]) {
  const batch = createMessageBatch(CLICKS_QUEUE, messages);
  await consumeClicks(batch, env);
  const result = await getQueueResult(batch, createExecutionContext());
  return result.ackAll ? messages.map((m) => m.id) : result.explicitAcks;
}

/** A stored row without what differs between twins (their id and visitor). */
function rowOf(rows: ClickRow[], id: string): Record<string, unknown> {
  const row = rows.find((r) => r.click_id === id);
  if (!row) throw new Error(`click ${id} not stored`);
  const { click_id: _id, visitor_hash: _visitor, ...rest } = row as unknown as Record<string, unknown>;
  return rest;
}

describe('click message v2', () => {
  it('stores the same row as the v1 message of the same click, in one batch with v1 messages', async () => {
    const v1 = variants.map((v) => click(v));
    // The same instant as its twin: two calls of Date.now() may fall in different milliseconds.
    const v2 = variants.map((v, i) => click({ ...v, at: v1[i]!.at }));
    const acked = await deliver([
      ...v1.map((c) => delivery(`v1-${c.click_id}`, { v: 1, clicks: [c] } satisfies ClickMessage)),
      ...v2.map((c) => delivery(`v2-${c.click_id}`, clickMessageOf([c]))),
    ]);
    expect(acked).toHaveLength(2 * variants.length);
    const rows = await waitForClicks([...v1, ...v2].map((c) => c.click_id));
    v1.forEach((one, i) => {
      const twin = v2[i]!;
      expect(rowOf(rows, twin.click_id), JSON.stringify(variants[i])).toEqual(rowOf(rows, one.click_id));
      // And the row is the click's, not merely the same mistake twice.
      const stored = rows.find((r) => r.click_id === twin.click_id)!;
      expect(stored).toMatchObject({
        at: twin.at,
        marketplace: twin.marketplace,
        country: twin.country,
        method: twin.method,
        is_bot: twin.is_bot ? 1 : 0,
        visitor_hash: twin.visitor_hash ?? '', // stored empty when it could not be computed
      });
      expect((stored as unknown as { flags: number }).flags).toBe(flagBits(twin.flags));
      const incomplete = (stored as unknown as { incomplete: string | null }).incomplete;
      expect(incomplete === null ? [] : incomplete.split(' ')).toEqual(twin.incomplete ?? []);
    });
  });

  it('logs a malformed v2 message whole and acknowledges it; the rest of the batch is stored', async () => {
    const spy = vi.spyOn(console, 'error');
    const good = click();
    const bad = { v: 2, c: [encodeClick(click()).with(8, 'fridge')] };
    const acked = await deliver([delivery('good', clickMessageOf([good])), delivery('bad', bad)]);
    expect(acked.sort()).toEqual(['bad', 'good']);
    await waitForClicks([good.click_id]);
    const lines = spy.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>);
    const logged = lines.find((l) => l.event === 'clicks.bad_message' && l.id === 'bad');
    expect(logged).toMatchObject({ level: 'error', body: bad, issues: [expect.stringContaining('c.0.8')] });
  });

  it('logClick queues v2 in V8 serialization, and the real queue delivers it into D1', async () => {
    const sent: unknown[][] = [];
    const recording = {
      send: (...args: unknown[]) => (
        sent.push(args),
        env.CLICKS.send(...(args as [unknown, QueueSendOptions]))
      ),
      sendBatch: env.CLICKS.sendBatch.bind(env.CLICKS),
    } as Queue;
    const one = click({ incomplete: ['referrer_host:malformed'], referrer_host: null });
    await logClick({ ...env, CLICKS: recording }, one);
    expect(sent).toEqual([[{ v: 2, c: [encodeClick(one)] }, { contentType: 'v8' }]]);
    const [row] = await waitForClicks([one.click_id]);
    expect(row).toMatchObject({ click_id: one.click_id, handle: one.handle, marketplace: 'amazon-us' });
  });
});
