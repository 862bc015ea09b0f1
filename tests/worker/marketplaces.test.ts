/**
 * `/go/<handle>/<product>` across marketplaces (CONTRACT.md section 14), on the sample content:
 * each rule, `?market=`, an unknown country, a member without a tracking id there, a product
 * without a `markets` URL (search) and a title that needs encoding; the click's country and
 * marketplace; and that only `cf.country` decides. Expectations come from the YAML as the
 * global setup read it (marketplaceFacts), not from the worker's link data.
 */
import { exports } from 'cloudflare:workers';
import { describe, expect, inject, it } from 'vitest';
import { pieceName } from '../../domain/links/tagged-url.ts';
import { BROWSER_UA, clickIdOf, waitForClicks } from './helpers.ts';

const facts = inject('marketplaceFacts');
const byId = new Map(facts.retailers.map((r) => [r.id, r]));
const group = facts.retailers.filter((r) => r.group === 'amazon');
const [home, ...abroad] = group;
if (!home || abroad.length < 2)
  throw new Error('the sample content needs an amazon group of three marketplaces');
const uk = byId.get('amazon-uk');
const de = byId.get('amazon-de');
if (!uk || !de) throw new Error('the sample content needs amazon-uk and amazon-de');
const ukCountry = uk.countries[0] ?? 'GB';
const deCountry = de.countries[0] ?? 'DE';

const ofHome = facts.products.filter((p) => p.retailer === home.id);
const member =
  facts.members.find((m) => m.trackingIds[uk.id] && m.trackingIds[de.id]) ??
  facts.members.find((m) => m.trackingIds[uk.id]);
const withoutDe = facts.members.find((m) => !m.trackingIds[de.id]);
const listed = ofHome.find((p) => p.markets[uk.id]);
const unlisted = ofHome.find((p) => !p.markets[uk.id] && /[^A-Za-z0-9 ]/.test(p.title));
if (!member || !withoutDe || !listed || !unlisted)
  throw new Error(
    'the sample content needs a member with a UK id, one without a DE id, a product with and one without a UK URL',
  );

const go = (path: string, country?: string, headers: Record<string, string> = {}) =>
  exports.default.fetch(`https://shop.test${path}`, {
    redirect: 'manual',
    headers: { 'user-agent': BROWSER_UA, ...headers },
    ...(country === undefined ? {} : { cf: { country } }),
  } as RequestInit);

/** A URL without its tag and sub-tag pieces, as written. */
function withoutTags(url: string, tags: string[]): string {
  const at = url.indexOf('?');
  const [head, query] = at === -1 ? [url, ''] : [url.slice(0, at), url.slice(at + 1)];
  const kept = query.split('&').filter((p) => p !== '' && !tags.includes(pieceName(p)));
  return kept.length > 0 ? `${head}?${kept.join('&')}` : head;
}

/** Follows a link and checks it lands on `url` (byte for byte but the tags), tagged `tag`; returns the click id. */
async function expectLanding(res: Response, url: string, tag: string): Promise<string> {
  expect(res.status).toBe(302);
  const location = res.headers.get('location') ?? '';
  const retailer = facts.retailers.find((r) => r.hosts.includes(new URL(location).hostname));
  if (!retailer) throw new Error(`${location} is on no retailer's host`);
  expect(withoutTags(location, [retailer.tag, retailer.subtag])).toBe(
    withoutTags(url, [retailer.tag, retailer.subtag]),
  );
  expect(new URL(location).searchParams.get(retailer.tag)).toBe(tag);
  const clickId = clickIdOf(location, retailer.subtag);
  expect(clickId).toMatch(/^[A-Za-z0-9_-]{22}$/);
  return clickId;
}

const searchFor = (marketplace: typeof uk, title: string) =>
  (marketplace.search_url ?? '').replace('{query}', () => encodeURIComponent(title));

describe('GET /go/<handle>/<product> across marketplaces', () => {
  it("sends a shopper of a served country to the product's URL at their marketplace, tagged with the member's id there", async () => {
    const res = await go(`/go/${member.handle}/${listed.id}`, ukCountry);
    const clickId = await expectLanding(res, listed.markets[uk.id]!, member.trackingIds[uk.id]!);
    const [row] = await waitForClicks([clickId]);
    expect(row).toMatchObject({ country: ukCountry, marketplace: uk.id, product_id: listed.id });
  });

  it("sends them to their marketplace's search for the title when the product lists no URL there", async () => {
    expect(uk.search_url).toContain('{query}');
    const res = await go(`/go/${member.handle}/${unlisted.id}`, ukCountry);
    const location = res.headers.get('location') ?? '';
    await expectLanding(res, searchFor(uk, unlisted.title), member.trackingIds[uk.id]!);
    // The title arrives whole however it is written: read back as the retailer reads it.
    const search = new URL(location);
    const param = [...search.searchParams].find(([, value]) => value === unlisted.title);
    expect(param, `${location} carries "${unlisted.title}"`).toBeDefined();
    expect(location).toContain(encodeURIComponent(unlisted.title));
  });

  it('encodes a title with reserved characters so it stays one query value on the same host', async () => {
    const tricky = ofHome.find((p) => !p.markets[uk.id] && /[&:#?/%+]/.test(p.title)) ?? unlisted;
    const res = await go(`/go/${member.handle}/${tricky.id}`, ukCountry);
    const location = new URL(res.headers.get('location') ?? '');
    expect(uk.hosts).toContain(location.hostname);
    expect(location.hash).toBe('');
    expect([...location.searchParams.values()]).toContain(tricky.title);
  });

  it('keeps the home URL for a country no marketplace serves, no country, or a member without a tracking id there', async () => {
    const homeUrl = listed.url;
    for (const country of ['JP', 'XX', 'T1', undefined]) {
      const res = await go(`/go/${member.handle}/${listed.id}`, country);
      await expectLanding(res, homeUrl, member.trackingId);
    }
    const res = await go(`/go/${withoutDe.handle}/${listed.id}`, deCountry);
    const clickId = await expectLanding(res, homeUrl, withoutDe.trackingId);
    const [row] = await waitForClicks([clickId]);
    expect(row).toMatchObject({ country: deCountry, marketplace: home.id });
  });

  it('?market= forces a marketplace of the group; without a tracking id there, the home one; an unknown id is ignored', async () => {
    await expectLanding(
      await go(`/go/${member.handle}/${listed.id}?market=${uk.id}`, 'US'),
      listed.markets[uk.id]!,
      member.trackingIds[uk.id]!,
    );
    await expectLanding(
      await go(`/go/${member.handle}/${listed.id}?market=${uk.id}`),
      listed.markets[uk.id]!,
      member.trackingIds[uk.id]!,
    );
    // Forced where the member has no id: home, not the country's marketplace.
    await expectLanding(
      await go(`/go/${withoutDe.handle}/${listed.id}?market=${de.id}`, ukCountry),
      listed.url,
      withoutDe.trackingId,
    );
    await expectLanding(
      await go(`/go/${member.handle}/${listed.id}?market=${home.id}`, ukCountry),
      listed.url,
      member.trackingId,
    );
    for (const unknown of ['amazon-jp', 'AMAZON-UK', '%3Cscript%3E', '', 'https%3A%2F%2Fevil.example'])
      await expectLanding(
        await go(`/go/${member.handle}/${listed.id}?market=${unknown}`, ukCountry),
        listed.markets[uk.id]!,
        member.trackingIds[uk.id]!,
      );
  });

  it('reads the country from cf.country only: no header or parameter moves a click', async () => {
    const spoofs = { 'cf-ipcountry': ukCountry, 'x-country': ukCountry, 'accept-language': 'en-GB' };
    await expectLanding(
      await go(`/go/${member.handle}/${listed.id}?country=${ukCountry}`, undefined, spoofs),
      listed.url,
      member.trackingId,
    );
    await expectLanding(
      await go(`/go/${member.handle}/${listed.id}`, 'US', spoofs),
      listed.url,
      member.trackingId,
    );
    await expectLanding(
      await go(`/go/${member.handle}/${listed.id}`, ukCountry, { 'cf-ipcountry': 'US' }),
      listed.markets[uk.id]!,
      member.trackingIds[uk.id]!,
    );
  });

  it("never leaves the chosen marketplace: every member, products, countries and markets, tagged with the member's id there", async () => {
    const countries = [...new Set(group.flatMap((r) => r.countries.slice(0, 1))), 'JP', undefined];
    const markets = [undefined, ...group.map((r) => r.id), 'nowhere'];
    const products = [
      listed,
      unlisted,
      ...ofHome.filter((p) => Object.keys(p.markets).length > 0).slice(0, 2),
    ];
    const ids: { clickId: string; marketplace: string }[] = [];
    for (const m of facts.members)
      for (const [i, product] of products.entries()) {
        const country = countries[(i + m.handle.length) % countries.length];
        const market = markets[(i * 3 + m.handle.length) % markets.length];
        const res = await go(`/go/${m.handle}/${product.id}${market ? `?market=${market}` : ''}`, country);
        expect(res.status).toBe(302);
        const location = new URL(res.headers.get('location') ?? '');
        expect(location.protocol).toBe('https:');
        const at = group.find((r) => r.hosts.includes(location.hostname));
        if (!at) throw new Error(`${location.href} left the group's hosts`);
        const expectedTag = at.id === home.id ? m.trackingId : m.trackingIds[at.id];
        expect(location.searchParams.get(at.tag), `${m.handle} ${product.id} ${country} ${market}`).toBe(
          expectedTag,
        );
        ids.push({ clickId: clickIdOf(location.href, at.subtag), marketplace: at.id });
      }
    const rows = await waitForClicks(ids.map((i) => i.clickId));
    const stored = new Map(rows.map((r) => [r.click_id, r.marketplace]));
    for (const { clickId, marketplace } of ids) expect(stored.get(clickId)).toBe(marketplace);
  });
});
