/**
 * `npm run catalog:refresh`: the recorded fixture and the Creators API adapter (against a local
 * HTTP server speaking the documented protocol, never the internet) give the same offers, dated
 * at the check; unanswered or unreadable products get none.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { validateContent } from '../../domain/content/validate.ts';
import { productDataFile } from '../../domain/catalog/offers.ts';
import { readContentSources } from '../../build/load-content.ts';
import { creatorsApiSource, offersFromGetItems } from '../../scripts/lib/product-data/creators-api.ts';
import { DEFAULT_FIXTURE, fixtureItemsSource } from '../../scripts/lib/product-data/fixture.ts';
import { refreshProductData } from '../../scripts/lib/product-data/refresh.ts';

const AT = new Date('2026-12-07T09:00:00.000Z');

function content() {
  const { content, errors } = validateContent(readContentSources('tests/fixtures/content'));
  if (!content) throw new Error(JSON.stringify(errors));
  return content;
}

async function body(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
}

describe('catalog refresh', () => {
  it('prices from the recorded fixture: the buy-box listing, Prime only when the answer says so', async () => {
    const warnings: string[] = [];
    const report = await refreshProductData(content(), fixtureItemsSource(), {
      now: () => AT,
      warn: (m) => warnings.push(m),
    });
    expect(productDataFile.parse(report.data)).toEqual({
      v: 1,
      source: 'fixture',
      refreshed_at: AT.toISOString(),
      // B000TEST02 is not in the recording; B000TEST03 is unavailable, so never asked.
      offers: {
        B000TEST01: { price_minor: 2649, currency: 'USD', prime: true, checked_at: AT.toISOString() },
      },
    });
    expect(report.asked).toBe(2);
  });

  it('reads no offer from an item without a readable price, and says why', () => {
    const warnings: string[] = [];
    const offers = offersFromGetItems(
      {
        itemsResult: {
          items: [
            { asin: 'A1', offersV2: { listings: [] } },
            {
              asin: 'A2',
              offersV2: { listings: [{ price: { money: { amount: 1.234, currency: 'USD' } } }] },
            },
            { asin: 'A3', offersV2: { listings: [{ price: { money: { amount: 5, currency: 'XXX' } } }] } },
            { asin: 'A4', offersV2: { listings: [{ price: { money: { amount: 5, currency: 'GBP' } } }] } },
          ],
        },
      },
      AT,
      (m) => warnings.push(m),
    );
    expect([...offers]).toEqual([
      ['A4', { price_minor: 500, currency: 'GBP', prime: false, checked_at: AT.toISOString() }],
    ]);
    expect(warnings).toHaveLength(3);
    expect(offersFromGetItems('<html>', AT, (m) => warnings.push(m)).size).toBe(0);
  });

  it('speaks the Creators API protocol: a client-credentials token, then getItems with the bearer and marketplace', async () => {
    const recorded = JSON.parse(readFileSync(DEFAULT_FIXTURE, 'utf8')) as {
      answers: Record<string, unknown[]>;
    };
    const seen: { path: string; auth?: string; marketplace?: string; body: Record<string, unknown> }[] = [];
    const server = createServer((req, res) => {
      void body(req).then((b) => {
        seen.push({
          path: req.url ?? '',
          auth: req.headers.authorization,
          marketplace: req.headers['x-marketplace'] as string | undefined,
          body: b,
        });
        res.setHeader('Content-Type', 'application/json');
        if (req.url === '/auth/o2/token')
          res.end(JSON.stringify({ access_token: 'tok-1', expires_in: 3600 }));
        else if (req.url === '/catalog/v1/getItems' && req.headers.authorization === 'Bearer tok-1')
          res.end(JSON.stringify(recorded.answers['www.amazon.com']?.[0]));
        else {
          res.statusCode = 401;
          res.end('{"errors":[{"code":"Unauthorized"}]}');
        }
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const source = creatorsApiSource({
        CREATORS_API_CREDENTIAL_ID: 'id',
        CREATORS_API_CREDENTIAL_SECRET: 'secret',
        CREATORS_API_PARTNER_TAG: 'program-20',
        CREATORS_API_TOKEN_URL: `${base}/auth/o2/token`,
        CREATORS_API_BASE: base,
      });
      const report = await refreshProductData(content(), source, { now: () => AT });
      expect(report.data.source).toBe('creators-api');
      expect(Object.keys(report.data.offers)).toEqual(['B000TEST01']);
      expect(seen[0]).toMatchObject({
        path: '/auth/o2/token',
        body: {
          grant_type: 'client_credentials',
          client_id: 'id',
          client_secret: 'secret',
          scope: 'creatorsapi::default',
        },
      });
      expect(seen[1]).toMatchObject({
        path: '/catalog/v1/getItems',
        auth: 'Bearer tok-1',
        marketplace: 'www.amazon.com',
        body: {
          itemIds: ['B000TEST01', 'B000TEST02'],
          itemIdType: 'ASIN',
          partnerTag: 'program-20',
          partnerType: 'Associates',
        },
      });
      // A refused request is retried, then reported; its products get no offer.
      const bad = creatorsApiSource({
        CREATORS_API_CREDENTIAL_ID: 'id',
        CREATORS_API_CREDENTIAL_SECRET: 'secret',
        CREATORS_API_PARTNER_TAG: 'program-20',
        CREATORS_API_TOKEN_URL: `${base}/nope`,
        CREATORS_API_BASE: base,
      });
      const warnings: string[] = [];
      const failed = await refreshProductData(content(), bad, { warn: (m) => warnings.push(m) });
      expect(failed).toMatchObject({ failedRequests: 1, data: { offers: {} } });
      expect(warnings[0]).toContain('HTTP 401');
    } finally {
      server.close();
    }
  });
});
