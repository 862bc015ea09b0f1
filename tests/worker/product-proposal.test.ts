/**
 * A product proposed by its retailer URL from the storefront editor (CONTRACT.md section 15),
 * against the real worker modules, the build's request base and product index, and the real D1:
 * its own signed request adding content/products/<id>.yaml, checked as the build checks
 * product files; refused by content (host, id, category, already in the catalog or proposed).
 */
import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { product } from '../../domain/content/schema.ts';
import { productProposalForm } from '../../domain/requests/product-proposal.ts';
import { verifyRequest } from '../../domain/requests/signature.ts';
import { proposeProductRequest } from '../../worker/requests/product.ts';
import { DEV_REQUEST_PUBLIC_KEY } from '../../worker/requests/signing.ts';
import { requestsOf } from '../../worker/requests/store.ts';

const HANDLE = 'mila-cooks';
const now = new Date('2030-05-02T10:00:00Z');
const propose = (fields: Record<string, string>, handle = HANDLE) =>
  proposeProductRequest(
    env,
    handle,
    productProposalForm.parse({
      action: 'product-propose',
      title: 'Cast Iron Dutch Oven, 5 qt',
      brand: 'Lodge',
      category: 'kitchen',
      ...fields,
    }),
    now,
  );

describe('a product proposed by its retailer URL', () => {
  it('stores its own signed request with the product file, the ASIN read from the URL', async () => {
    const made = await propose({
      url: 'https://www.amazon.com/Lodge-Dutch-Oven/dp/b0009jkg9m/ref=sr_1_1?tag=someone-20&th=1',
    });
    expect(made, JSON.stringify(made)).toMatchObject({ ok: true, product: 'B0009JKG9M' });
    if (!made.ok) return;
    const row = await env.DB.prepare('SELECT * FROM change_requests WHERE id = ?1').bind(made.id).first();
    expect(row).toMatchObject({
      kind: 'product',
      handle: HANDLE,
      state: 'pending',
      file_path: 'content/products/B0009JKG9M.yaml',
    });
    const text = String(row?.file_text);
    const data = product.parse(parse(text));
    expect(data).toMatchObject({
      id: 'B0009JKG9M',
      retailer: 'amazon-us',
      url: 'https://www.amazon.com/dp/B0009JKG9M',
      title: 'Cast Iron Dutch Oven, 5 qt',
      brand: 'Lodge',
      currency: 'USD',
      prime: false,
      available: false,
    });
    expect(data.rating).toBeUndefined();
    expect(text).toContain('Before merging');
    expect(
      await verifyRequest(DEV_REQUEST_PUBLIC_KEY, String(row?.signature), {
        id: made.id,
        handle: HANDLE,
        file: new TextEncoder().encode(text),
      }),
    ).toBe(true);
    // The member's list of requests shows it apart from its edits.
    expect((await requestsOf(env.DB, HANDLE)).find((r) => r.id === made.id)?.kind).toBe('product');
    // Proposed twice: refused while the first waits.
    const again = await propose({ url: 'https://amazon.com/gp/product/B0009JKG9M' });
    expect(again).toMatchObject({ ok: false, reason: 'invalid' });
    expect(JSON.stringify(again)).toContain('proposed already');
  });

  it('refuses by content: a host of no retailer, an Amazon URL without an ASIN, an unknown category, a product in the catalog', async () => {
    const before = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM change_requests WHERE kind = 'product'",
    ).first();
    const cases: [Record<string, string>, string, string][] = [
      [{ url: 'https://shop.example.com/p/pan-123' }, 'url', 'not a retailer'],
      [{ url: 'https://www.amazon.com.evil.example/dp/B0009JKG9N' }, 'url', 'not a retailer'],
      [{ url: 'https://www.amazon.com/s?k=dutch+oven' }, 'url', 'no ASIN'],
      [{ url: 'not a url at all' }, 'url', 'product page'],
      [
        { url: 'https://www.amazon.com/dp/B0009JKG9P', category: 'no-such-category' },
        'category',
        'unknown category',
      ],
      [{ url: 'https://www.amazon.com/dp/B00006JSUA' }, 'url', 'in the catalog already'],
    ];
    for (const [fields, field, message] of cases) {
      const refused = await propose(fields);
      expect(refused, JSON.stringify(fields)).toMatchObject({ ok: false, reason: 'invalid' });
      if (!refused.ok) {
        expect(refused.errors[0]?.field).toBe(field);
        expect(refused.errors[0]?.message).toContain(message);
      }
    }
    const after = await env.DB.prepare(
      "SELECT COUNT(*) AS n FROM change_requests WHERE kind = 'product'",
    ).first();
    expect(after?.n).toBe(before?.n);
  });

  it('refuses typed prices or ratings in the form, a proposer without a storefront (404), no signing key (503)', async () => {
    expect(
      productProposalForm.safeParse({
        action: 'product-propose',
        url: 'https://www.amazon.com/dp/B0009JKG9Q',
        title: 'x',
        brand: 'y',
        category: 'kitchen',
        price: '9.99',
      }).success,
    ).toBe(false);
    expect(await propose({ url: 'https://www.amazon.com/dp/B0009JKG9Q' }, 'no-such-member')).toMatchObject({
      ok: false,
      reason: 'not_found',
    });
    const noKey = await proposeProductRequest(
      { ...env, REQUEST_SIGNING_KEY: '' },
      HANDLE,
      productProposalForm.parse({
        action: 'product-propose',
        url: 'https://www.amazon.com/dp/B0009JKG9Q',
        title: 'x',
        brand: 'y',
        category: 'kitchen',
      }),
      now,
    );
    expect(noKey).toMatchObject({ ok: false, reason: 'misconfigured' });
  });
});
