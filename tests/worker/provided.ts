/** What the worker tests' global setup (in Node) hands the tests (in workerd). */
export interface ExpectedLink {
  handle: string;
  product: string;
  url: string;
  tag: string;
  subtag: string;
  trackingId: string;
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
  }
}
