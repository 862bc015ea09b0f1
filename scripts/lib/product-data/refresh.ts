/**
 * The product data refresh (CONTRACT section 17): asks the source for every available product
 * of an Amazon marketplace, ten ASINs a request, and keeps what it answers as offers dated at
 * the request. A request that fails is retried twice, then its products get no offer (their
 * cards say "See price on Amazon") and the failure is reported; nothing else is lost.
 */
import type { Content } from '../../../domain/content/validate.ts';
import type { ProductData } from '../../../domain/catalog/offers.ts';
import type { Offer } from '../../../domain/catalog/offers.ts';
import { ITEMS_PER_REQUEST, offersFromGetItems, type ItemsSource } from './creators-api.ts';

export interface RefreshOptions {
  /** Pause between requests (the Creators API allows about one a second to a new account). */
  delayMs?: number;
  attempts?: number;
  warn?: (message: string) => void;
  now?: () => Date;
}

export interface RefreshReport {
  data: ProductData;
  asked: number;
  failedRequests: number;
}

/** Amazon product ids to ask for, by marketplace host ("www.amazon.com"). */
export function amazonProducts(content: Content): Map<string, string[]> {
  const amazon = new Set(
    content.retailers.filter((r) => r.hosts.some((h) => /(?:^|\.)amazon\./.test(h))).map((r) => r.id),
  );
  const byHost = new Map<string, string[]>();
  for (const p of content.products) {
    if (!p.available || !amazon.has(p.retailer)) continue;
    const host = new URL(p.url).hostname.replace(/^amazon\./, 'www.amazon.');
    byHost.set(host, [...(byHost.get(host) ?? []), p.id]);
  }
  return byHost;
}

export async function refreshProductData(
  content: Content,
  source: ItemsSource,
  options: RefreshOptions = {},
): Promise<RefreshReport> {
  const { delayMs = 0, attempts = 3, warn = () => {}, now = () => new Date() } = options;
  const offers: Record<string, Offer> = {};
  let asked = 0;
  let failedRequests = 0;
  for (const [marketplace, ids] of amazonProducts(content)) {
    for (let i = 0; i < ids.length; i += ITEMS_PER_REQUEST) {
      const batch = ids.slice(i, i + ITEMS_PER_REQUEST);
      asked += batch.length;
      for (let attempt = 1; ; attempt++) {
        try {
          const checkedAt = now();
          const body = await source.getItems(batch, marketplace);
          for (const [id, offer] of offersFromGetItems(body, checkedAt, warn))
            if (batch.includes(id)) offers[id] = offer;
          break;
        } catch (error) {
          if (attempt >= attempts) {
            failedRequests++;
            warn(
              `${marketplace} ${batch.join(',')}: ${error instanceof Error ? error.message : String(error)}`,
            );
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, delayMs * attempt));
        }
      }
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
  return {
    data: { v: 1, source: source.name, refreshed_at: now().toISOString(), offers },
    asked,
    failedRequests,
  };
}
