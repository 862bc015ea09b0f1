/**
 * Where `npm run links:check` may send a request (security review, round 3;
 * scripts/lib/links-check/http-check.ts): a retailer's server chooses where its redirects lead,
 * so a redirect to a loopback, private or link-local address (cloud metadata), or to a URL that
 * is not http(s), is an error and never followed. The retailer's "site" is a local server reached
 * through `resolve` (the operator's explicit choice); the "internal" server stands for anything on
 * the checking machine's network and must see no request.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mayRequest } from '../../domain/catalog/link-health.ts';
import { checkHttp, type HttpCheckOptions } from '../../scripts/lib/links-check/http-check.ts';

let shop: Server;
let internal: Server;
let internalPort = 0;
const internalSeen: string[] = [];

function listen(server: Server): Promise<number> {
  return new Promise((ready) =>
    server.listen(0, '127.0.0.1', () => ready((server.address() as AddressInfo).port)),
  );
}

const options = (shopOrigin: string): HttpCheckOptions => ({
  concurrency: 2,
  timeoutMs: 2000,
  retries: 0,
  retryDelayMs: 1,
  userAgent: 'shopfront-links-check test',
  resolve: new Map([['shop.example', shopOrigin]]),
});

let shopOrigin = '';

beforeAll(async () => {
  internal = createServer((req, res) => {
    internalSeen.push(req.url ?? '');
    res.writeHead(200).end('secret');
  });
  internalPort = await listen(internal);
  const to: Record<string, string> = {
    '/loopback': `http://127.0.0.1:${internalPort}/latest/meta-data/`,
    '/localhost': `http://localhost:${internalPort}/admin`,
    '/mapped': `http://[::ffff:127.0.0.1]:${internalPort}/mapped`,
    '/metadata': 'http://169.254.169.254/latest/meta-data/',
    '/file': 'file:///etc/passwd',
    '/data': 'data:text/plain,hello',
    '/fine': '/p/ok',
  };
  shop = createServer((req, res) => {
    const location = to[req.url ?? ''];
    if (location) res.writeHead(302, { location }).end();
    else res.writeHead(200).end();
  });
  shopOrigin = `http://127.0.0.1:${await listen(shop)}`;
});

afterAll(() => {
  shop?.close();
  internal?.close();
});

describe('links:check destinations', () => {
  it('never follows a redirect to a private or local address, or to a URL that is not http(s)', async () => {
    const paths = ['/loopback', '/localhost', '/mapped', '/metadata', '/file', '/data'];
    const verdicts = await checkHttp(
      paths.map((path) => ({
        product: path.slice(1),
        retailer: 'corner-shop',
        url: `https://shop.example${path}`,
      })),
      options(shopOrigin),
    );
    expect(internalSeen).toEqual([]);
    expect(verdicts.map((v) => [v.product, v.state])).toEqual(paths.map((p) => [p.slice(1), 'error']));
    const detail = Object.fromEntries(verdicts.map((v) => [v.product, v.detail]));
    expect(detail.loopback).toBe('127.0.0.1 is a private or local address (127.0.0.1): not requested');
    expect(detail.localhost).toMatch(
      /^localhost is a private or local address \((127\.0\.0\.1|::1)\): not requested$/,
    );
    expect(detail.metadata).toBe(
      '169.254.169.254 is a private or local address (169.254.169.254): not requested',
    );
    expect(detail.file).toBe('a file: URL: not requested');
    expect(detail.data).toBe('a data: URL: not requested');
  });

  it('still follows a redirect on the retailer’s own host (positive control)', async () => {
    const [verdict] = await checkHttp(
      [{ product: 'fine', retailer: 'corner-shop', url: 'https://shop.example/fine' }],
      options(shopOrigin),
    );
    expect(verdict?.state).toBe('ok');
  });

  it('never requests Amazon’s short-link hosts written as fully qualified names (a trailing dot)', () => {
    for (const url of [
      'https://a.co./d/x',
      'https://amzn.to./x',
      'https://AMZN.eu../x',
      'https://www.amazon.com./dp/x',
    ])
      expect(mayRequest(new URL(url).hostname), url).toBe(false);
    expect(mayRequest('shop.example.')).toBe(true);
  });
});
