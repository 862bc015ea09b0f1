/**
 * No tagged redirect without a person (CONTRACT.md section 16): a prefetch answers 204 and a
 * sub-resource 403, both without a Location and both stored flagged; navigations and HEAD keep
 * the 302; a cross-site navigation without user activation is redirected and flagged
 * no_activation; the roll-up of reasons counts every flag.
 */
import { env, exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { utcDay } from '../../domain/time.ts';
import { CLICK_FLAGS } from '../../domain/clicks/flags.ts';
import { recordDashboardVisitor } from '../../worker/dashboard/visitors.ts';
import { program } from '../../worker/orders/program.ts';
import { BROWSER_UA, clickIdOf, waitForClicks, type ClickRow } from './helpers.ts';

const links = inject('expectedLinks');
const [first] = links;
if (!first) throw new Error('the sample content has no links');

let serial = 0;
/** A source no other test uses, to find the stored row of a request that has no Location. */
const freshSrc = () => `hc${Date.now().toString(36)}${(serial++).toString(36)}`;

const go = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  exports.default.fetch(`https://shop.test${path}`, {
    method,
    redirect: 'manual',
    headers: { 'user-agent': BROWSER_UA, ...headers },
  });

async function rowsWithSrc(
  src: string,
  count = 1,
  timeoutMs = 15_000,
): Promise<(ClickRow & { flags: number })[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { results } = await env.DB.prepare('SELECT * FROM clicks WHERE src = ?1')
      .bind(src)
      .all<ClickRow & { flags: number }>();
    if (results.length >= count) return results;
    if (Date.now() > deadline) throw new Error(`no click stored with src=${src}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a request to /go/ that no person made gets no tagged redirect', () => {
  it.each([
    ['Sec-Purpose: prefetch', { 'sec-purpose': 'prefetch' }],
    [
      'a speculation-rules prefetch of a document',
      { 'sec-purpose': 'prefetch', 'sec-fetch-dest': 'document' },
    ],
    ['a prerender', { 'sec-purpose': 'prefetch;prerender', 'sec-fetch-dest': 'document' }],
    ['Purpose: prefetch (older browsers)', { purpose: 'prefetch' }],
  ])('answers 204 without a Location to %s, and stores it flagged', async (_name, headers) => {
    const src = freshSrc();
    const res = await go(`/go/${first.handle}/${first.product}?src=${src}`, headers);
    expect(res.status).toBe(204);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toBe('');
    const [row] = await rowsWithSrc(src);
    expect(row).toMatchObject({
      is_bot: 1,
      bot_reason: 'prefetch',
      handle: first.handle,
      product_id: first.product,
    });
  });

  it.each([
    ['an <img>', { 'sec-fetch-dest': 'image', 'sec-fetch-mode': 'no-cors' }, 'subresource:image'],
    ['an <iframe>', { 'sec-fetch-dest': 'iframe', 'sec-fetch-mode': 'navigate' }, 'subresource:iframe'],
    ['a <script>', { 'sec-fetch-dest': 'script', 'sec-fetch-mode': 'no-cors' }, 'subresource:script'],
    ['a stylesheet', { 'sec-fetch-dest': 'style', 'sec-fetch-mode': 'no-cors' }, 'subresource:style'],
    ['fetch()', { 'sec-fetch-dest': 'empty', 'sec-fetch-mode': 'cors' }, 'subresource:empty'],
    ['an unknown destination', { 'sec-fetch-dest': 'hologram' }, 'subresource:other'],
  ])('answers 403 without a Location to %s, and stores it flagged', async (_name, headers, reason) => {
    const src = freshSrc();
    const res = await go(`/go/${first.handle}/${first.product}?src=${src}`, headers);
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).not.toContain(new URL(first.url).hostname);
    const [row] = await rowsWithSrc(src);
    expect(row).toMatchObject({ is_bot: 1, bot_reason: reason });
  });

  it('still answers 404 for an unknown product, whatever loads it', async () => {
    const res = await go(`/go/${first.handle}/B0NOTREAL0`, { 'sec-fetch-dest': 'image' });
    expect(res.status).toBe(404);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('navigations and HEAD keep the 302', () => {
  it('redirects HEAD even when it carries sub-resource headers, flagged as head', async () => {
    const res = await go(`/go/${first.handle}/${first.product}`, { 'sec-fetch-dest': 'image' }, 'HEAD');
    expect(res.status).toBe(302);
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), first.subtag)]);
    expect(row).toMatchObject({ is_bot: 1, bot_reason: 'head', method: 'HEAD' });
  });

  it('redirects a clicked cross-site navigation and flags nothing', async () => {
    const res = await go(`/go/${first.handle}/${first.product}`, {
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'cross-site',
      'sec-fetch-user': '?1',
    });
    expect(res.status).toBe(302);
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), first.subtag)]);
    expect(row).toMatchObject({ is_bot: 0, bot_reason: null, flags: 0 });
  });

  it.each([
    ['a same-origin navigation without activation', { 'sec-fetch-site': 'same-origin' }],
    ['a typed or bookmarked URL', { 'sec-fetch-site': 'none' }],
    ['a browser that sends no Fetch Metadata', {}],
  ])('does not flag %s', async (_name, headers) => {
    const res = await go(`/go/${first.handle}/${first.product}`, {
      'sec-fetch-dest': 'document',
      ...headers,
    });
    expect(res.status).toBe(302);
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), first.subtag)]);
    expect(row).toMatchObject({ is_bot: 0, flags: 0 });
  });

  it('redirects a cross-site navigation without user activation and flags it no_activation', async () => {
    const res = await go(`/go/${first.handle}/${first.product}`, {
      'sec-fetch-dest': 'document',
      'sec-fetch-mode': 'navigate',
      'sec-fetch-site': 'cross-site',
    });
    expect(res.status).toBe(302);
    expect(new URL(res.headers.get('location') ?? '').searchParams.get(first.tag)).toBe(first.trackingId);
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), first.subtag)]);
    // Still a human click (a person may be there), but not an honest one.
    expect(row).toMatchObject({ is_bot: 0, flags: CLICK_FLAGS.no_activation });
  });
});

describe('signals: self and burst', () => {
  const other = links.find((l) => l.handle !== first.handle);
  if (!other) throw new Error('the sample content has one member only');
  const click = async (link: typeof first, ip: string, headers: Record<string, string> = {}) => {
    const res = await go(`/go/${link.handle}/${link.product}`, { 'cf-connecting-ip': ip, ...headers });
    return res.headers.get('location') === null ? null : clickIdOf(res.headers.get('location'), link.subtag);
  };
  const flagsOf = async (ids: string[]) =>
    new Map((await waitForClicks(ids)).map((r) => [r.click_id, (r as ClickRow & { flags: number }).flags]));
  const dashboard = (ip: string) =>
    new Request(`https://shop.test/dashboard/${first.handle}/`, {
      headers: { 'cf-connecting-ip': ip, 'user-agent': BROWSER_UA },
    });

  it("flags self a click from the member's own dashboard browser that day, whichever comes first", async () => {
    // Dashboard first: the consumer flags the click.
    await recordDashboardVisitor(env, first.handle, dashboard('203.0.113.201'));
    const after = (await click(first, '203.0.113.201'))!;
    // Click first: recording the dashboard hash flags it.
    const before = (await click(first, '203.0.113.202'))!;
    await waitForClicks([before]);
    await recordDashboardVisitor(env, first.handle, dashboard('203.0.113.202'));
    // The same browser on another member's link, and another browser: not self.
    const elsewhere = (await click(other, '203.0.113.201'))!;
    const stranger = (await click(first, '203.0.113.203'))!;
    const flags = await flagsOf([after, before, elsewhere, stranger]);
    expect(flags.get(after)).toBe(CLICK_FLAGS.self);
    expect(flags.get(before)).toBe(CLICK_FLAGS.self);
    expect(flags.get(elsewhere)).toBe(0);
    expect(flags.get(stranger)).toBe(0);
  });

  it('flags burst every click of a visitor over burst_clicks_per_day navigations that day', async () => {
    const limit = program.table.burst_clicks_per_day;
    expect(limit).toBeGreaterThan(1);
    const navigations = (ip: string, n: number) =>
      Promise.all(Array.from({ length: n }, (_, i) => click(i % 2 ? first : other, ip)));
    const busy = (await navigations('203.0.113.211', limit + 1)) as string[];
    // At the limit, and prefetches or image loads on top of it, is not a burst.
    const calm = (await navigations('203.0.113.212', limit)) as string[];
    const src = freshSrc();
    await Promise.all(
      Array.from({ length: 5 }, () =>
        go(`/go/${first.handle}/${first.product}?src=${src}`, {
          'cf-connecting-ip': '203.0.113.212',
          'sec-fetch-dest': 'image',
        }),
      ),
    );
    await rowsWithSrc(src, 5);
    const busyFlags = await flagsOf(busy);
    expect([...busyFlags.values()].every((f) => (f & CLICK_FLAGS.burst) !== 0)).toBe(true);
    const calmFlags = await flagsOf(calm);
    await waitForClicks(calm);
    // One more stored batch of the calm visitor re-checks it: still no burst.
    expect([...calmFlags.values()].every((f) => f === 0)).toBe(true);
    const { results } = await env.DB.prepare('SELECT flags FROM clicks WHERE src = ?1')
      .bind(src)
      .all<{ flags: number }>();
    expect(results.every((r) => r.flags === 0)).toBe(true);
  });
});

describe('counts by reason', () => {
  it('are in /api/stats, today from raw clicks', async () => {
    const today = utcDay(Date.now());
    const res = await exports.default.fetch(
      `https://shop.test/api/stats/${first.handle}?from=${today}&to=${today}`,
      { headers: { authorization: `Bearer ${env.ADMIN_TOKEN}` } },
    );
    expect(res.status).toBe(200);
    const stats = await res.json<{ clicks: { by_reason: Record<string, number> } }>();
    // The requests above, stored by now (each test waited for its row).
    expect(stats.clicks.by_reason['no_activation']).toBeGreaterThanOrEqual(1);
    expect(stats.clicks.by_reason['prefetch']).toBeGreaterThanOrEqual(4);
    expect(stats.clicks.by_reason['subresource:image']).toBeGreaterThanOrEqual(1);
    expect(stats.clicks.by_reason['head']).toBeGreaterThanOrEqual(1);
  });

  it('roll up every flag and bot reason, and follow a flag set later', async () => {
    const handle = `reasons-${Date.now().toString(36)}`;
    const at = Date.parse('2025-03-03T10:00:00Z');
    const insert = (id: string, isBot: number, reason: string | null, duplicate: number, flags: number) =>
      env.DB.prepare(
        `INSERT INTO clicks (click_id, at, handle, product_id, device, visitor_hash, is_bot, bot_reason, is_duplicate, method, flags)
         VALUES (?1, ?2, ?3, 'P', 'mobile', 'v', ?4, ?5, ?6, 'GET', ?7)`,
      ).bind(`${handle}-${id}`, at, handle, isBot, reason, duplicate, flags);
    await env.DB.batch([
      insert('a', 0, null, 0, 0),
      insert('b', 0, null, 1, CLICK_FLAGS.no_activation | CLICK_FLAGS.burst),
      insert('c', 1, 'subresource:image', 0, 0),
      insert('d', 1, 'prefetch', 0, CLICK_FLAGS.self),
    ]);
    await env.DB.prepare('UPDATE clicks SET flags = flags | ?2 WHERE click_id = ?1')
      .bind(`${handle}-a`, CLICK_FLAGS.self)
      .run();
    await env.DB.prepare('UPDATE clicks SET flags = 0 WHERE click_id = ?1').bind(`${handle}-b`).run();
    const { results } = await env.DB.prepare(
      'SELECT reason, clicks FROM click_daily_reason WHERE handle = ?1 AND day = ?2 AND clicks <> 0 ORDER BY reason',
    )
      .bind(handle, utcDay(at))
      .all<{ reason: string; clicks: number }>();
    expect(Object.fromEntries(results.map((r) => [r.reason, r.clicks]))).toEqual({
      duplicate: 1,
      prefetch: 1,
      self: 2,
      'subresource:image': 1,
    });
  });
});
