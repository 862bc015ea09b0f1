/**
 * The redirect's lookup from shard files (worker/links/link-store.ts): answers from
 * the isolate's memory once a shard is read, follows renames across shards, never
 * touches D1, and answers 503 (not 404) when the link data cannot be read.
 */
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { splitRouteTable, type RouteTable } from '../../domain/links/route-table.ts';
import { linkShardPath, shardOf } from '../../domain/links/shards.ts';
import { clearLinkStore, routeTableFor, searchQueryFor } from '../../worker/links/link-store.ts';
import { destination, resolveHandle } from '../../worker/links/destination.ts';
import { createWorker } from '../../worker/worker.ts';
import { BROWSER_UA } from './helpers.ts';

const [link] = inject('expectedLinks');
if (!link) throw new Error('no sample links');
const worker = createWorker(() => new Response('fallback', { status: 404 }));

/** The static-assets binding, counting what it serves; `down` makes every fetch fail. */
function countingAssets(inner: Fetcher) {
  const state = { fetches: 0, down: false };
  const assets = {
    fetch: (input: RequestInfo | URL, init?: RequestInit) => {
      state.fetches++;
      if (state.down) return Promise.reject(new Error('assets binding unavailable'));
      return inner.fetch(input, init);
    },
  } as Fetcher;
  return { assets, state };
}

/** Shard files of a synthetic table, served from memory the way the assets binding serves the built ones. */
function servedShards(table: RouteTable, counts = { handles: 8, products: 8 }) {
  const split = splitRouteTable(table, counts);
  const files = new Map<string, string>();
  split.handles.forEach((s, i) => files.set(linkShardPath('h', i), JSON.stringify(s)));
  split.products.forEach((s, i) => files.set(linkShardPath('p', i), JSON.stringify(s)));
  split.queries.forEach((s, i) => files.set(linkShardPath('q', i), JSON.stringify(s)));
  const served: string[] = [];
  const fetcher = {
    fetch: (input: RequestInfo | URL) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      served.push(path);
      const body = files.get(path);
      return Promise.resolve(new Response(body ?? 'not found', { status: body ? 200 : 404 }));
    },
  } as Fetcher;
  return { config: split.config, fetcher, served };
}

/** A D1 binding whose every call fails, as in an outage. */
const downDb = new Proxy(env.DB, {
  get() {
    return () => {
      throw new Error('D1_ERROR: Network connection lost');
    };
  },
});

async function redirect(bindings: Partial<Env>, path = `/go/${link!.handle}/${link!.product}`) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`https://shop.test${path}`, { headers: { 'user-agent': BROWSER_UA } }),
    { ...env, ...bindings },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return res;
}

beforeEach(() => clearLinkStore());

describe('link store', () => {
  it('reads a shard once, then answers hot links from memory', async () => {
    const { assets, state } = countingAssets(env.ASSETS);
    const first = await redirect({ ASSETS: assets });
    expect(first.status).toBe(302);
    const cold = state.fetches;
    expect(cold).toBe(2); // the handle's shard and the product's shard
    for (let i = 0; i < 5; i++) expect((await redirect({ ASSETS: assets })).status).toBe(302);
    expect(state.fetches).toBe(cold);
  });

  it('redirects during a D1 outage, cold or hot', async () => {
    const cold = await redirect({ DB: downDb });
    expect(cold.status).toBe(302);
    expect(cold.headers.get('location')).toContain(link!.url.split('?')[0]);
    expect((await redirect({ DB: downDb })).status).toBe(302);
  });

  it('keeps redirecting hot links while the link data cannot be read', async () => {
    const { assets, state } = countingAssets(env.ASSETS);
    expect((await redirect({ ASSETS: assets })).status).toBe(302);
    state.down = true;
    const res = await redirect({ ASSETS: assets, DB: downDb });
    expect(res.status).toBe(302);
  });

  it('answers 503 with Retry-After, not 404, when a cold link cannot be looked up', async () => {
    const { assets, state } = countingAssets(env.ASSETS);
    state.down = true;
    const res = await redirect({ ASSETS: assets });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-store');
    // Back up: the same link works again.
    state.down = false;
    expect((await redirect({ ASSETS: assets })).status).toBe(302);
  });

  it('still answers 404 for an unknown handle or product', async () => {
    expect((await redirect({}, `/go/no-such-creator-xyz/${link!.product}`)).status).toBe(404);
    expect((await redirect({}, `/go/${link!.handle}/NO-SUCH-PRODUCT`)).status).toBe(404);
  });

  it('follows a renamed handle to its current one, in another shard', async () => {
    const table: RouteTable = {
      retailers: [{ id: 'amazon-us', tag: 'tag', subtag: 'ascsubtag' }],
      countries: {},
      influencers: {},
      tracking_ids: {},
      associates: {},
      aliases: {},
      products: { P1: [0, 'https://www.amazon.com/dp/P1?th=1'] },
      queries: {},
    };
    // A current handle and an old one that land in different shards.
    let old = 'old-name-0';
    for (let i = 0; shardOf(old, 8) === shardOf('new-name', 8); i++) old = `old-name-${i}`;
    table.influencers['new-name'] = 'newname-20';
    table.aliases[old] = 'new-name';
    const { config, fetcher } = servedShards(table);
    const subset = await routeTableFor(config, fetcher, old, 'P1');
    const who = resolveHandle(subset, old);
    expect(who).toEqual({ handle: 'new-name', trackingId: 'newname-20', trackingIds: undefined });
    const shopper = { country: null, market: undefined };
    const noQuery = () => Promise.reject(new Error('no search here'));
    expect(who && (await destination(subset, 'P1', who, 'CLICK', shopper, noQuery))).toEqual({
      url: 'https://www.amazon.com/dp/P1?th=1&tag=newname-20&ascsubtag=CLICK',
      marketplace: 'amazon-us',
      kind: 'home',
    });
    const unknown = await routeTableFor(config, fetcher, 'nobody', 'P2');
    expect(resolveHandle(unknown, 'nobody')).toBeNull();
    const nobody = { handle: 'x', trackingId: 'x', trackingIds: undefined };
    expect(await destination(unknown, 'P2', nobody, 'y', shopper, noQuery)).toBeNull();
  });

  it("reads a product's search query only for a shopper sent to a search, and goes home when it cannot", async () => {
    const table: RouteTable = {
      retailers: [
        { id: 'amazon-us', tag: 'tag', subtag: 'ascsubtag', search: ['https://www.amazon.com/s?k=', ''] },
        {
          id: 'amazon-uk',
          tag: 'tag',
          subtag: 'ascsubtag',
          home: 0,
          search: ['https://www.amazon.co.uk/s?k=', ''],
        },
      ],
      countries: { US: [0], GB: [1] },
      influencers: { ana: 'ana-20' },
      tracking_ids: { ana: { 1: 'ana-21' } },
      associates: {},
      aliases: {},
      products: {
        P1: [0, 'https://www.amazon.com/dp/P1'],
        P2: [0, 'https://www.amazon.com/dp/P2', { 1: 'https://www.amazon.co.uk/dp/P2' }],
      },
      queries: { P1: 'Pan%20%26%20Lid', P2: 'Pot' },
    };
    const { config, fetcher, served } = servedShards(table);
    const readQuery = (id: string) => searchQueryFor(config, fetcher, id);
    const go = async (product: string, country: string | null) => {
      const subset = await routeTableFor(config, fetcher, 'ana', product);
      const who = resolveHandle(subset, 'ana');
      if (!who) throw new Error('no ana');
      return destination(subset, product, who, 'C', { country, market: undefined }, readQuery);
    };
    const queries = () => served.filter((p) => p.startsWith('/_data/links/q/')).length;
    expect((await go('P1', 'US'))?.url).toBe('https://www.amazon.com/dp/P1?tag=ana-20&ascsubtag=C');
    expect((await go('P2', 'GB'))?.url).toBe('https://www.amazon.co.uk/dp/P2?tag=ana-21&ascsubtag=C');
    expect(queries()).toBe(0);
    expect((await go('P1', 'GB'))?.url).toBe(
      'https://www.amazon.co.uk/s?k=Pan%20%26%20Lid&tag=ana-21&ascsubtag=C',
    );
    expect(queries()).toBe(1);
    // The query shard unreadable: the product's own URL, never an error.
    clearLinkStore();
    const failing = {
      fetch: (input: RequestInfo | URL, init?: RequestInit) =>
        String(input instanceof Request ? input.url : input).includes('/links/q/')
          ? Promise.reject(new Error('down'))
          : fetcher.fetch(input, init),
    } as Fetcher;
    const subset = await routeTableFor(config, failing, 'ana', 'P1');
    const who = resolveHandle(subset, 'ana');
    const home =
      who &&
      (await destination(subset, 'P1', who, 'C', { country: 'GB', market: undefined }, (id) =>
        searchQueryFor(config, failing, id),
      ));
    expect(home).toEqual({
      url: 'https://www.amazon.com/dp/P1?tag=ana-20&ascsubtag=C',
      marketplace: 'amazon-us',
      kind: 'home',
    });
  });

  it('does not serve the link data to the public', async () => {
    const res = await redirect({}, linkShardPath('h', 0));
    expect(res.status).toBe(404);
  });
});

describe('link shards', () => {
  it('put every handle, alias and product in the shard shardOf names, and the bundled part stays small', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => i);
    const table: RouteTable = {
      retailers: [],
      countries: {},
      influencers: Object.fromEntries(ids.map((i) => [`creator-${i}`, `c${i}-20`])),
      tracking_ids: {},
      associates: {},
      aliases: { 'creator-old': 'creator-1' },
      products: Object.fromEntries(ids.map((i) => [`SYN${i}`, [0, `https://www.amazon.com/dp/SYN${i}`]])),
      queries: {},
    };
    const split = splitRouteTable(table, { handles: 16, products: 32 });
    split.handles.forEach((shard, i) => {
      for (const h of [...Object.keys(shard.influencers), ...Object.keys(shard.aliases)])
        expect(shardOf(h, 16)).toBe(i);
    });
    split.products.forEach((shard, i) => {
      for (const p of Object.keys(shard)) expect(shardOf(p, 32)).toBe(i);
    });
    expect(split.handles.reduce((n, s) => n + Object.keys(s.influencers).length, 0)).toBe(2000);
    expect(JSON.stringify(split.config)).toBe(
      JSON.stringify(
        splitRouteTable({ ...table, influencers: {}, products: {} }, { handles: 16, products: 32 }).config,
      ),
    );
  });
});
