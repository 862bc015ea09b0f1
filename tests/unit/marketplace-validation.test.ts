/**
 * The content rules of marketplaces (CONTRACT.md section 14, domain/content/marketplaces.ts), as
 * `file: field: message`. Each case starts from the valid fixture program given an amazon group
 * of three marketplaces (in memory) and breaks one thing.
 */
import { describe, expect, it } from 'vitest';
import { searchUrlProblem } from '../../domain/content/marketplaces.ts';
import { formatError, validateContent, type ContentSources } from '../../domain/content/validate.ts';
import { readContentSources } from '../../build/load-content.ts';

const FIXTURE = 'tests/fixtures/content';
const RETAILERS = `${FIXTURE}/retailers.yaml`;
const ANA = `${FIXTURE}/influencers/ana-cooks.yaml`;
const DEE = `${FIXTURE}/influencers/dee-reviews.yaml`;
const PAN = `${FIXTURE}/products/B000TEST01.yaml`;

type Data = Record<string, unknown>;

function data(source: ContentSources['program']): Data {
  if (!('data' in source)) throw new Error(`no parsed ${source.path}`);
  return source.data as Data;
}

function fileData(sources: ContentSources, path: string): Data {
  const file = [...sources.influencers, ...sources.products].find((f) => f.path === path);
  if (!file) throw new Error(`no ${path}`);
  return data(file);
}

const marketplace = (id: string, host: string, currency: string, countries: string[]) => ({
  id,
  name: host,
  group: 'amazon',
  hosts: [host],
  tag_param: 'tag',
  subtag_param: 'ascsubtag',
  currency,
  countries,
  search_url: `https://${host}/s?k={query}`,
  disclosure: 'As an Amazon Associate, this creator earns from qualifying purchases.',
});

/** The fixture with amazon-us as the home of a group of three, ana holding a UK and a DE id. */
function sourcesWithGroup(): ContentSources & { influencers: ContentSources['influencers'] & unknown[] } {
  const sources = readContentSources(FIXTURE);
  const retailers = data(sources.retailers).retailers as Data[];
  const us = retailers[0]!;
  Object.assign(us, {
    group: 'amazon',
    countries: ['US', 'PR'],
    search_url: 'https://www.amazon.com/s?k={query}',
  });
  retailers.push(
    marketplace('amazon-uk', 'www.amazon.co.uk', 'GBP', ['GB', 'IE']),
    marketplace('amazon-de', 'www.amazon.de', 'EUR', ['DE', 'AT']),
  );
  const rates = data(sources.rates).retailers as Data;
  rates['amazon-uk'] = rates['amazon-us'];
  rates['amazon-de'] = rates['amazon-us'];
  fileData(sources, ANA).tracking_ids = { 'amazon-uk': 'anacooks-21', 'amazon-de': 'anacooks0c-21' };
  fileData(sources, PAN).markets = { 'amazon-uk': 'https://www.amazon.co.uk/dp/B000TEST01' };
  return sources;
}

function errorsAfter(change: (sources: ContentSources) => void): string[] {
  const sources = sourcesWithGroup();
  change(sources);
  return validateContent(sources).errors.map(formatError);
}

const retailer = (s: ContentSources, i: number) => (data(s.retailers).retailers as Data[])[i]!;

describe('marketplace content rules', () => {
  it('accept a group of marketplaces, tracking ids there and product URLs there', () => {
    const { content, errors } = validateContent(sourcesWithGroup());
    expect(errors).toEqual([]);
    expect(content?.retailers.map((r) => r.id)).toEqual(['amazon-us', 'amazon-uk', 'amazon-de']);
  });

  it('refuses a country code that is not ISO 3166 alpha-2, and a country listed twice', () => {
    expect(
      errorsAfter((s) => {
        retailer(s, 1).countries = ['UK', 'GB', 'GB', 'XK'];
      }),
    ).toEqual([
      `${RETAILERS}: retailers[1].countries[0]: "UK" is not an ISO 3166 alpha-2 country code (did you mean "GB"?)`,
      `${RETAILERS}: retailers[1].countries[2]: "GB" is listed twice`,
      `${RETAILERS}: retailers[1].countries[3]: "XK" is not an ISO 3166 alpha-2 country code (two capital letters, e.g. "GB")`,
    ]);
  });

  it('refuses a country served by two marketplaces of one group, not by two groups', () => {
    expect(errorsAfter((s) => (retailer(s, 2).countries = ['DE', 'IE']))).toEqual([
      `${RETAILERS}: retailers[2].countries[1]: "IE" is already served by amazon-uk, of the same group "amazon": a shopper's country picks one marketplace`,
    ]);
    expect(
      errorsAfter((s) => Object.assign(retailer(s, 2), { group: 'other', countries: ['GB'] })),
    ).not.toContain(expect.stringContaining('already served'));
  });

  it('wants a search URL on its own hosts, https, with exactly one {query} after the host', () => {
    const cases: [string, string][] = [
      // The schema's own rule, before the cross-file ones.
      ['https://www.amazon.co.uk/s?k=', 'must contain "{query}" exactly once'],
      ['https://www.amazon.co.uk/s?k={query}&q={query}', 'must contain "{query}" exactly once'],
      ['http://www.amazon.co.uk/s?k={query}', 'must be an https:// URL'],
      [
        'https://www.amazon.co.uk.evil.example/s?k={query}',
        'host "www.amazon.co.uk.evil.example" is not allowed for marketplace "amazon-uk" (allowed: www.amazon.co.uk)',
      ],
      [
        'https://www.amazon.co.uk@evil.example/s?k={query}',
        'host "evil.example" is not allowed for marketplace "amazon-uk" (allowed: www.amazon.co.uk)',
      ],
      [
        'https://{query}www.amazon.co.uk/s',
        '{query} must come after the host (in the path or the query), so a title can never change where the link goes',
      ],
      [
        'https://www.amazon.co.uk/s#k={query}',
        '{query} must come before any "#" fragment, which the retailer never receives',
      ],
      [
        'https://www.amazon.co.uk/s?k={query}&x=a b',
        'must be written percent-encoded: no spaces, control or non-ASCII characters',
      ],
    ];
    for (const [template, message] of cases)
      expect(
        errorsAfter((s) => (retailer(s, 1).search_url = template)),
        template,
      ).toEqual([`${RETAILERS}: retailers[1].search_url: ${message}`]);
    // Its own count too, for callers without the schema.
    const uk = validateContent(sourcesWithGroup()).content?.retailers[1];
    if (!uk) throw new Error('no amazon-uk');
    expect(searchUrlProblem('https://www.amazon.co.uk/s', uk)).toBe(
      'must contain {query} once, where the product title goes',
    );
    expect(searchUrlProblem('https://www.amazon.co.uk/{query}?k={query}', uk)).toBe(
      'contains {query} 2 times; exactly one',
    );
    expect(searchUrlProblem('https:/www.amazon.co.uk/s?k={query}', uk)).toBe('must be an https:// URL');
    // In the path is fine too.
    expect(
      errorsAfter((s) => (retailer(s, 1).search_url = 'https://www.amazon.co.uk/s/{query}/?ref=x')),
    ).toEqual([]);
  });

  it("wants tracking_ids keyed by marketplaces of a group other than the home one, each one member's only", () => {
    expect(
      errorsAfter((s) => {
        fileData(s, ANA).tracking_ids = {
          'amazon-us': 'anacooks-20x',
          'amazon-jp': 'anacooks-22',
          'amazon-uk': 'anacooks-21',
        };
        fileData(s, DEE).tracking_ids = { 'amazon-uk': 'AnaCooks-21', 'amazon-de': 'anacooks-21' };
      }),
    ).toEqual([
      `${ANA}: tracking_ids.amazon-jp: unknown marketplace "amazon-jp" (see content/retailers.yaml)`,
      `${ANA}: tracking_ids.amazon-us: "amazon-us" is the home marketplace of group "amazon": its tracking id is tracking_id`,
      // One member's at every marketplace, whatever the case: an event's tracking id names one member.
      `${DEE}: tracking_ids.amazon-uk: "AnaCooks-21" is already a tracking id of ${ANA}`,
      `${DEE}: tracking_ids.amazon-de: "anacooks-21" is already a tracking id of ${ANA}`,
    ]);
    expect(errorsAfter((s) => (fileData(s, DEE).tracking_ids = { 'amazon-uk': 'ANACOOKS-20' }))).toEqual([
      `${DEE}: tracking_ids.amazon-uk: "ANACOOKS-20" is already a tracking id of ${ANA}`,
    ]);
    // A member may reuse its own id at another marketplace.
    expect(errorsAfter((s) => (fileData(s, ANA).tracking_ids = { 'amazon-uk': 'anacooks-20' }))).toEqual([]);
    expect(
      errorsAfter((s) => {
        delete retailer(s, 1).group;
        delete retailer(s, 1).countries;
      }),
    ).toEqual([
      `${ANA}: tracking_ids.amazon-uk: retailer "amazon-uk" is no marketplace of a group: its tracking id is tracking_id`,
      `${PAN}: markets.amazon-uk: "amazon-uk" is not a marketplace of amazon-us's group (amazon-us, amazon-de)`,
    ]);
  });

  it("wants markets URLs on that marketplace's hosts, in the product's group, not its own retailer", () => {
    // The US URL at the UK marketplace, a URL at the product's own retailer, an unknown marketplace.
    const markets = {
      'amazon-uk': 'https://www.amazon.com/dp/B000TEST01',
      'amazon-us': 'https://www.amazon.com/dp/B000TEST01',
      'amazon-fr': 'https://www.amazon.fr/dp/B000TEST01',
    };
    expect(errorsAfter((s) => (fileData(s, PAN).markets = markets))).toEqual([
      `${PAN}: markets.amazon-fr: unknown marketplace "amazon-fr" (see content/retailers.yaml)`,
      `${PAN}: markets.amazon-uk: host "www.amazon.com" is not allowed for marketplace "amazon-uk" (allowed: www.amazon.co.uk)`,
      `${PAN}: markets.amazon-us: is the product's own retailer: its URL there is url`,
    ]);
    // Sent byte for byte, so written as it can be sent (the schema says so first).
    expect(
      errorsAfter(
        (s) => (fileData(s, PAN).markets = { 'amazon-de': 'https://www.amazon.de/dp/B000 TEST01' }),
      ),
    ).toEqual([
      `${PAN}: markets.amazon-de: must be written percent-encoded: no spaces, control or non-ASCII characters`,
    ]);
  });
});
