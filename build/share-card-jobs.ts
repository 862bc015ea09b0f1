/**
 * Which share cards a build renders (build/share-cards.ts) and what each shows: one per
 * approved storefront (name, avatar, list titles), one per list (its title, the creator, its
 * description), one for the site's home page. Pure, from validated content; the pages point
 * their `og:image` at the same paths (`paths.card`).
 */
import type { Influencer, Member } from '../domain/content/schema.ts';
import { approvedInfluencers } from '../domain/pages/catalog.ts';
import { shareCardPath, SITE_CARD } from '../domain/pages/share-card.ts';

/** The pages' paths, as site/lib/urls.ts writes them (the build does not import the site). */
const paths = {
  home: () => '/',
  storefront: (handle: string) => `/shop/${handle}/`,
  list: (handle: string, slug: string) => `/shop/${handle}/${slug}/`,
  card: shareCardPath,
};

/** What one card shows. `path` is its URL path ("/images/cards/ana-cooks.png"). */
export interface CardJob {
  path: string;
  /** The big line: a creator's name, a list's title, or the site's name. */
  title: string;
  /** The line above it: "Storefront", "A list by Ana Cooks"... */
  kicker: string;
  /** Up to four short lines below (list titles, or the list's first words). */
  lines: string[];
  /** Avatar: a path under the public folder or an https URL (initials then). */
  avatar?: string;
  /** Initials' source when the avatar cannot be drawn. */
  name: string;
  /** Bottom line: the site's name and the page's address. */
  footer: string;
  /** Picks the background colour, so two creators' cards differ at a glance. */
  seed: string;
}

function address(siteUrl: string, path: string): string {
  return `${new URL(siteUrl).host}${path}`;
}

function storefrontJobs(member: Influencer, siteName: string, siteUrl: string): CardJob[] {
  const base = { avatar: member.avatar, name: member.name, seed: member.handle };
  const own: CardJob = {
    ...base,
    path: paths.card(member.handle),
    kicker: `Storefront on ${siteName}`,
    title: member.name,
    lines: member.lists.length > 0 ? member.lists.map((l) => l.title) : [member.bio],
    footer: address(siteUrl, paths.storefront(member.handle)),
  };
  const lists = member.lists.map((l): CardJob => ({
    ...base,
    path: paths.card(member.handle, l.slug),
    kicker: `A list by ${member.name}`,
    title: l.title,
    lines: [l.description ?? `${l.items.length === 1 ? '1 pick' : `${l.items.length} picks`}`],
    footer: address(siteUrl, paths.list(member.handle, l.slug)),
  }));
  return [own, ...lists];
}

export function shareCardJobs(members: readonly Member[], siteName: string, siteUrl: string): CardJob[] {
  const site: CardJob = {
    path: paths.card(SITE_CARD),
    kicker: 'Creator storefronts',
    title: siteName,
    lines: ['The products creators use and recommend', 'With honest notes on each'],
    name: siteName,
    footer: address(siteUrl, paths.home()),
    seed: siteName,
  };
  return [site, ...approvedInfluencers(members).flatMap((m) => storefrontJobs(m, siteName, siteUrl))];
}
