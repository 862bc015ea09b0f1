/** Plain content values for tests of the page helpers: one retailer, products and members by builder. */
import type { Associate, Influencer, Product, Retailer } from '../../domain/content/schema.ts';

export const AMAZON_US: Retailer = {
  id: 'amazon-us',
  name: 'Amazon.com',
  hosts: ['www.amazon.com'],
  image_hosts: [],
  tag_param: 'tag',
  subtag_param: 'ascsubtag',
  currency: 'USD',
  disclosure: 'As an Amazon Associate, this creator earns from qualifying purchases.',
};

/** An available amazon-us kitchen product at 1.00 USD. */
export function testProduct(id: string, extra: Partial<Product> = {}): Product {
  return {
    id,
    retailer: 'amazon-us',
    title: `Product ${id}`,
    brand: 'Brand',
    category: 'kitchen',
    url: `https://www.amazon.com/dp/${id}`,
    image: '/images/x.svg',
    currency: 'USD',
    price_checked_at: '2026-11-20',
    prime: false,
    available: true,
    price_minor: 100,
    ...extra,
  };
}

/** What every approved member file has, whatever its program. */
function memberBase(handle: string) {
  return {
    handle,
    name: handle,
    bio: '',
    avatar: '/a.svg',
    status: 'approved' as const,
    applied_on: '2026-01-01',
    tracking_id: `${handle}-20`,
  };
}

export function testInfluencer(handle: string, extra: Partial<Influencer> = {}): Influencer {
  return {
    program: 'influencer',
    ...memberBase(handle),
    socials: [{ platform: 'instagram', url: 'https://instagram.com/x', followers: 1000 }],
    categories: ['kitchen'],
    previous_handles: [],
    featured: [],
    lists: [],
    ...extra,
  };
}

export function testAssociate(handle: string, extra: Partial<Associate> = {}): Associate {
  return {
    program: 'associate',
    ...memberBase(handle),
    website: `https://${handle}.example/`,
    audience: 'Readers',
    niche: 'Kitchen',
    disclosure_url: `https://${handle}.example/disclosure`,
    categories: ['books'],
    previous_handles: ['old-site'],
    ...extra,
  };
}
