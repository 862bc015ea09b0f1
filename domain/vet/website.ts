/**
 * The associate scorecard: an associate is a website publisher, so instead of
 * social reach it scores what can be checked from the file about the site (its
 * address, the audience and niche it states, and its disclosure page), four
 * dimensions of 0-5 like the influencer scorecard. Nothing is fetched; scores
 * inform, they never fail a check.
 */
import type { Associate } from '../content/schema.ts';
import { onDomain, PLATFORM_DOMAINS } from './links.ts';
import { PLACEHOLDER, placeholderFields, type Check } from './quality.ts';

export const MIN_AUDIENCE_CHARS = 40;

/** Hosts that are not a publisher's own site: link shorteners and link-in-bio pages. */
const NOT_A_SITE = ['bit.ly', 'tinyurl.com', 'linktr.ee', 'beacons.ai', 'lnk.bio', 'amzn.to'];

export interface Dimension {
  checks: Check[];
  /** 0 to 5. */
  score: number;
}

export interface CategoryMatch {
  id: string;
  name: string;
  /** The words of the niche or audience that named it, empty when none did. */
  matched: string[];
}

export interface NicheRelevancy {
  categories: CategoryMatch[];
  /** Share of declared categories the niche or audience names, or null without categories. */
  share: number | null;
  /** 0 to 5: the share in fifths. */
  score: number;
}

export interface AssociateScorecard {
  program: 'associate';
  website: Dimension;
  audience: Dimension;
  relevancy: NicheRelevancy;
  disclosure: Dimension;
  /** Fields still holding placeholder text. */
  placeholders: string[];
  total: number;
}

/** Whether two hosts belong to one site: the same host, or one a subdomain of the other. */
export function sameSite(a: string, b: string): boolean {
  const strip = (h: string) => h.toLowerCase().replace(/^www\./, '');
  return onDomain(strip(a), strip(b)) || onDomain(strip(b), strip(a));
}

/** The social platform a host belongs to, or null. */
export function socialPlatformOf(host: string): string | null {
  for (const [platform, domains] of Object.entries(PLATFORM_DOMAINS))
    if (domains.some((d) => onDomain(host, d))) return platform;
  return null;
}

function dimension(checks: Check[]): Dimension {
  return { checks, score: checks.filter((c) => c.ok).length };
}

export function websiteOf(value: Associate, retailerHosts: readonly string[]): Dimension {
  const url = new URL(value.website);
  const host = url.hostname;
  const platform = socialPlatformOf(host);
  const retailer = retailerHosts.some((h) => sameSite(host, h));
  const elsewhere = NOT_A_SITE.some((d) => onDomain(host, d));
  const ownDomain = platform === null && !retailer && !elsewhere;
  const named = host.includes('.') && !/^[\d.]+$/.test(host) && !host.startsWith('[') && host !== 'localhost';
  return dimension([
    { ok: url.protocol === 'https:', label: 'HTTPS', detail: value.website },
    {
      ok: ownDomain,
      label: 'Own site',
      detail: platform
        ? `${host} is ${platform}: a social profile, not a website (apply as an influencer instead?)`
        : retailer
          ? `${host} is a retailer's site`
          : elsewhere
            ? `${host} is a link shortener or link-in-bio page, not a site`
            : `${host} is the publisher's own domain`,
    },
    // Two points for a site of its own: it is what the program is for.
    {
      ok: ownDomain,
      label: 'Publishes on it',
      detail: ownDomain ? 'links will appear on the site itself' : 'no site of its own',
    },
    { ok: named, label: 'Host name', detail: named ? host : `${host} is not a public host name` },
    {
      ok: !PLACEHOLDER.test(value.website),
      label: 'Filled in',
      detail: PLACEHOLDER.test(value.website) ? 'still the placeholder' : 'no placeholder',
    },
  ]);
}

export function audienceOf(value: Associate): Dimension {
  const audience = value.audience.trim();
  const niche = value.niche.trim();
  const bio = value.bio.trim();
  const filled = (text: string) => !PLACEHOLDER.test(text);
  return dimension([
    {
      ok: audience.length >= MIN_AUDIENCE_CHARS && filled(audience),
      label: 'Audience',
      detail: !filled(audience)
        ? 'still the placeholder'
        : `${audience.length} characters${audience.length < MIN_AUDIENCE_CHARS ? ` (under ${MIN_AUDIENCE_CHARS})` : ''}`,
    },
    {
      ok: audience.length >= MIN_AUDIENCE_CHARS * 2 && filled(audience),
      label: 'Audience in detail',
      detail: `${MIN_AUDIENCE_CHARS * 2} characters or more say who the readers are and why they come`,
    },
    {
      ok: niche.length > 0 && filled(niche),
      label: 'Niche',
      detail: filled(niche) ? niche : 'still the placeholder',
    },
    {
      ok: bio.length >= MIN_AUDIENCE_CHARS && filled(bio),
      label: 'Bio',
      detail: filled(bio) ? `${bio.length} characters` : 'still the placeholder',
    },
    {
      ok: value.monthly_visitors !== undefined && value.monthly_visitors > 0,
      label: 'Visitors stated',
      detail:
        value.monthly_visitors === undefined
          ? 'monthly_visitors not given'
          : `${value.monthly_visitors.toLocaleString('en-US')} a month (as stated, not verified)`,
    },
  ]);
}

/** Words that name no category on their own. */
const GENERIC = new Set([
  'and',
  'the',
  'of',
  'amazon',
  'supplies',
  'personal',
  'care',
  'household',
  'theater',
  'home',
]);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length >= 2)
    .map(singular);
}

function singular(word: string): string {
  return word.length > 3 && word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
}

/** Whether the niche and audience name each declared category, by its id or the words of its name. */
export function nicheRelevancyOf(
  value: Associate,
  categories: readonly { id: string; name: string }[],
): NicheRelevancy {
  const said = new Set(words(`${value.niche} ${value.audience}`));
  const matches = value.categories.map((id): CategoryMatch => {
    const name = categories.find((c) => c.id === id)?.name ?? id;
    const own = new Set(id.split('-').map(singular));
    const keys = [...new Set([...own, ...words(name)])].filter((w) => own.has(w) || !GENERIC.has(w));
    return { id, name, matched: keys.filter((k) => said.has(k)) };
  });
  const share =
    matches.length === 0 ? null : matches.filter((m) => m.matched.length > 0).length / matches.length;
  return { categories: matches, share, score: share === null ? 0 : Math.round(share * 5) };
}

export function disclosureOf(value: Associate): Dimension {
  const page = new URL(value.disclosure_url);
  const site = new URL(value.website);
  const onSite = sameSite(page.hostname, site.hostname);
  const ownPage = page.pathname.replace(/\/+$/, '') !== '' || page.hash !== '';
  return dimension([
    { ok: page.protocol === 'https:', label: 'HTTPS', detail: value.disclosure_url },
    {
      ok: onSite,
      label: 'On the site',
      detail: onSite
        ? `on ${page.hostname}, the website's own site`
        : `${page.hostname} is not ${site.hostname}: readers should find the disclosure on the site itself`,
    },
    // Two points for being on the site: a disclosure elsewhere does not reach the site's readers.
    {
      ok: onSite,
      label: 'Reaches readers',
      detail: onSite ? 'readers of the site can find it' : 'off the site',
    },
    {
      ok: ownPage,
      label: 'A page of its own',
      detail: ownPage ? page.pathname : 'is the home page, not a disclosure page',
    },
    {
      ok: !PLACEHOLDER.test(value.disclosure_url),
      label: 'Filled in',
      detail: PLACEHOLDER.test(value.disclosure_url) ? 'still the placeholder' : 'no placeholder',
    },
  ]);
}

export function associateScorecardOf(
  value: Associate,
  categories: readonly { id: string; name: string }[],
  retailerHosts: readonly string[],
): AssociateScorecard {
  const website = websiteOf(value, retailerHosts);
  const audience = audienceOf(value);
  const relevancy = nicheRelevancyOf(value, categories);
  const disclosure = disclosureOf(value);
  return {
    program: 'associate',
    website,
    audience,
    relevancy,
    disclosure,
    placeholders: placeholderFields(value),
    total: website.score + audience.score + relevancy.score + disclosure.score,
  };
}
