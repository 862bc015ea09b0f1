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

declare module 'vitest' {
  export interface ProvidedContext {
    expectedLinks: ExpectedLink[];
    notApprovedHandles: string[];
    /** Statements that fill D1's catalog copy (migration 0009) from the sample content. */
    catalogSql: string[];
    /** Approved members of the associate programme. */
    associateHandles: string[];
    unavailableProducts: string[];
    /** Approved influencers (a storefront page each) and their lists' slugs. */
    storefronts: { handle: string; lists: string[] }[];
    /** A sample avatar and a local product image, read from site/public/ (not from a pack). */
    sampleImages: SampleImage[];
  }
}
