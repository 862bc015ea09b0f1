/** What the worker tests' global setup (in Node) hands the tests (in workerd). */
export interface ExpectedLink {
  handle: string;
  product: string;
  url: string;
  tag: string;
  subtag: string;
  trackingId: string;
}

export interface SampleImage {
  /** The URL path, e.g. /images/avatars/mila-cooks.png. */
  path: string;
  /** The file's bytes, base64. */
  base64: string;
}

/** Section 14's content, as written in the YAML, for the marketplace tests to expect from. */
export interface MarketplaceFacts {
  retailers: {
    id: string;
    group: string | null;
    hosts: string[];
    currency: string;
    countries: string[];
    search_url: string | null;
    tag: string;
    subtag: string;
  }[];
  /** Approved members: their home tracking id and their tracking ids elsewhere. */
  members: { handle: string; trackingId: string; trackingIds: Record<string, string> }[];
  /** Available products. */
  products: { id: string; retailer: string; url: string; title: string; markets: Record<string, string> }[];
}

declare module 'vitest' {
  export interface ProvidedContext {
    expectedLinks: ExpectedLink[];
    notApprovedHandles: string[];
    /** Statements that fill D1's catalog copy (migration 0009) from the sample content. */
    catalogSql: string[];
    /** Approved members of the associate program. */
    associateHandles: string[];
    unavailableProducts: string[];
    /** Approved influencers (a storefront page each) and their lists' slugs. */
    storefronts: { handle: string; lists: string[] }[];
    /** A sample avatar and a local product image, read from site/public/ (not from a pack). */
    sampleImages: SampleImage[];
    marketplaceFacts: MarketplaceFacts;
    /**
     * An earlier committed version of a sample member file (git history of HEAD), which the live
     * index holds as a version but the build does not have as its file; null outside git.
     */
    earlierMemberVersion: { path: string; text: string } | null;
    /** The checkout is a shallow clone: the live-index history case cannot be built here. */
    shallowHistory: boolean;
  }
}
