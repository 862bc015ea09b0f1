/** The associate program at the edge: tracked links like an influencer's, but no storefront behind /go/<handle>. */
import { exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';

const associates = inject('associateHandles');
const links = inject('expectedLinks');
const go = (path: string) =>
  exports.default.fetch(`https://shop.test${path}`, {
    redirect: 'manual',
    headers: { 'user-agent': BROWSER_UA, referer: 'https://gearlab-reviews.example/best-skillets' },
  });

describe('associates', () => {
  it('the sample program has approved associates with links', () => {
    expect(associates.length).toBeGreaterThanOrEqual(3);
    for (const handle of associates)
      expect(
        links.some((l) => l.handle === handle),
        handle,
      ).toBe(true);
  });

  it("redirect an associate's /go/ link with the associate's tracking id and log the click", async () => {
    const link = links.find((l) => associates.includes(l.handle));
    if (!link) throw new Error('no associate link');
    const res = await go(`/go/${link.handle}/${link.product}?src=review`);
    expect(res.status).toBe(302);
    const location = new URL(res.headers.get('location') ?? '');
    expect(location.searchParams.get(link.tag)).toBe(link.trackingId);
    const [row] = await waitForClicks([clickIdOf(res.headers.get('location'), link.subtag)]);
    expect(row).toMatchObject({
      handle: link.handle,
      product_id: link.product,
      src: 'review',
      referrer_host: 'gearlab-reviews.example',
      is_bot: 0,
    });
  });

  it('answer 404 for /go/<associate>: there is no storefront to go to', async () => {
    for (const handle of associates) {
      const res = await go(`/go/${handle}`);
      expect(res.status, handle).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
  });
});
