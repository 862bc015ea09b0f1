/** A click's source: `src` when the link has one, else `utm_source` (CONTRACT.md section 17). */
import { exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';

const [link] = inject('expectedLinks');
if (!link) throw new Error('the sample content has no links');
const go = (query: string) =>
  exports.default.fetch(`https://shop.test/go/${link.handle}/${link.product}${query}`, {
    redirect: 'manual',
    headers: { 'user-agent': BROWSER_UA },
  });

describe('utm_source on a tracked link', () => {
  it('is recorded as the source when src is absent, lowercased; src wins when both are there', async () => {
    const cases = [
      ['?utm_source=newsletter&utm_medium=email', 'newsletter', null],
      ['?utm_source=Instagram', 'instagram', null],
      ['?src=review&utm_source=newsletter', 'review', null],
      ['?utm_source=not%20a%20source!', null, 'src:invalid'],
      ['', null, null],
    ] as const;
    const ids: string[] = [];
    for (const [query] of cases) {
      const res = await go(query);
      expect(res.status, query).toBe(302);
      ids.push(clickIdOf(res.headers.get('location'), link.subtag));
    }
    const rows = new Map((await waitForClicks(ids)).map((r) => [r.click_id, r]));
    cases.forEach(([query, src, incomplete], i) => {
      const row = rows.get(ids[i] ?? '');
      expect(row?.src, query).toBe(src);
      if (incomplete) expect(row?.incomplete ?? '', query).toContain(incomplete);
    });
  });
});
