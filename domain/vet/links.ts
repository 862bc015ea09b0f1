/** Links an applicant wrote: where they point and whether that is allowed. */
import type { Member } from '../content/schema.ts';

const LINK = /\b(?:https?:\/\/|www\.)[^\s<>"'`]+/gi;

/** Hosts of the http(s) or www. links in free text. */
export function linkHosts(value: string): string[] {
  const hosts: string[] = [];
  for (const match of value.matchAll(LINK)) {
    const raw = match[0].replace(/[).,;:!?\]]+$/, '');
    const url = /^www\./i.test(raw) ? `https://${raw}` : raw;
    if (URL.canParse(url)) hosts.push(new URL(url).hostname);
  }
  return hosts;
}

/** Every free-text field of a member file with its field path. */
export function freeText(value: Member): { field: string; text: string }[] {
  const out = [
    { field: 'name', text: value.name },
    { field: 'bio', text: value.bio },
  ];
  if (value.program === 'associate') {
    out.push({ field: 'audience', text: value.audience }, { field: 'niche', text: value.niche });
    return out;
  }
  value.lists.forEach((list, i) => {
    out.push({ field: `lists[${i}].title`, text: list.title });
    if (list.description) out.push({ field: `lists[${i}].description`, text: list.description });
    list.items.forEach((item, j) => {
      if (item.note) out.push({ field: `lists[${i}].items[${j}].note`, text: item.note });
    });
  });
  return out;
}

/** Domains each platform's profile pages live on (subdomains included). */
export const PLATFORM_DOMAINS: Record<string, string[]> = {
  instagram: ['instagram.com'],
  tiktok: ['tiktok.com'],
  youtube: ['youtube.com', 'youtu.be'],
  x: ['x.com', 'twitter.com'],
  threads: ['threads.net', 'threads.com'],
  pinterest: ['pinterest.com'],
  facebook: ['facebook.com', 'fb.com'],
  twitch: ['twitch.tv'],
  snapchat: ['snapchat.com'],
};

export function onDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/** Whether a profile URL is on its platform's site (blogs, newsletters and podcasts may live anywhere). */
export function socialHostMatches(platform: string, url: string): boolean {
  const domains = PLATFORM_DOMAINS[platform];
  if (!domains || !URL.canParse(url)) return true;
  const host = new URL(url).hostname;
  return domains.some((d) => onDomain(host, d));
}
