/**
 * Content of one revision, read leniently: every file that passes its own schema
 * is kept even when other files or cross-file rules fail, so a report can still
 * score an application next to an unrelated error (validateContent gives the errors).
 */
import {
  commissionRatesFile,
  member,
  product,
  programFile,
  retailersFile,
  type Member,
  type Product,
  type ProgramFile,
  type RateTable,
  type Retailer,
} from '../content/schema.ts';
import type { ContentSources, SourceFile } from '../content/validate.ts';

export interface Snapshot {
  program: ProgramFile | null;
  retailers: Retailer[];
  /** Retailer id -> its rate tables (empty when the rates file does not pass its schema). */
  rates: Record<string, RateTable[]>;
  /** File path -> member (influencer or associate), for each member file that passes its schema. */
  influencers: Map<string, Member>;
  /** Product id -> product, for each product file that passes its schema. */
  products: Map<string, Product>;
}

function dataOf(source: SourceFile): unknown {
  return 'data' in source ? source.data : undefined;
}

export function snapshotOf(sources: ContentSources): Snapshot {
  const program = programFile.safeParse(dataOf(sources.program));
  const retailers = retailersFile.safeParse(dataOf(sources.retailers));
  const rates = commissionRatesFile.safeParse(dataOf(sources.rates));
  const influencers = new Map<string, Member>();
  for (const source of sources.influencers) {
    const parsed = member.safeParse(dataOf(source));
    if (parsed.success) influencers.set(source.path, parsed.data);
  }
  const products = new Map<string, Product>();
  for (const source of sources.products) {
    const parsed = product.safeParse(dataOf(source));
    if (parsed.success && !products.has(parsed.data.id)) products.set(parsed.data.id, parsed.data);
  }
  return {
    program: program.success ? program.data : null,
    retailers: retailers.success ? retailers.data.retailers : [],
    rates: rates.success ? rates.data.retailers : {},
    influencers,
    products,
  };
}
