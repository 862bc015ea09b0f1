import { env } from 'cloudflare:workers';
import type { SeedClick } from '../../scripts/lib/orders/seed-history.ts';
import { ORIGIN } from './orders-helpers.ts';

export const BROWSER_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

/** A row of the clicks table as D1 returns it: the seeded click's columns, read back untyped, and the later ones. */
export interface ClickRow extends Omit<SeedClick, 'device' | 'is_bot' | 'is_duplicate' | 'method'> {
  /** The marketplace the click was sent to (migration 0016). */
  marketplace: string | null;
  device: string;
  is_bot: number;
  is_duplicate: number;
  method: string;
  incomplete: string | null;
}

/** The click id the redirect put in the retailer URL's sub-tag. */
export function clickIdOf(location: string | null, subtag = 'ascsubtag'): string {
  if (!location) throw new Error('no Location header');
  const id = new URL(location).searchParams.get(subtag);
  if (!id) throw new Error(`no ${subtag} in ${location}`);
  return id;
}

/** Waits until the queue consumer has written these clicks (the redirect never waits for it). */
export async function waitForClicks(ids: readonly string[], timeoutMs = 15_000): Promise<ClickRow[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { results } = await env.DB.prepare(
      'SELECT * FROM clicks WHERE click_id IN (SELECT value FROM json_each(?1))',
    )
      .bind(JSON.stringify(ids))
      .all<ClickRow>();
    if (results.length >= ids.length) return results;
    if (Date.now() > deadline) throw new Error(`only ${results.length} of ${ids.length} clicks were stored`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Headers of posts a same-site check must refuse: another site, a sibling subdomain, a foreign origin. */
export const CROSS_SITE_HEADERS: readonly Record<string, string>[] = [
  { 'sec-fetch-site': 'cross-site' },
  { 'sec-fetch-site': 'same-site' },
  { origin: 'https://evil.test' },
];

/** A form of the admin console page at `page` as a browser posts it: same origin unless `headers` say otherwise. */
export function consoleForm(
  page: string,
  fields: Record<string, string>,
  headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' },
): Request {
  return new Request(`${ORIGIN}${page}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields),
  });
}
