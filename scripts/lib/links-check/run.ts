/**
 * The link check of a content folder (domain/catalog/link-health.ts): each available product,
 *   retailer on Amazon's hosts -> its product-data source, in batches (none set: skipped);
 *   retailer with `link_check: http` -> plain HTTP (scripts/lib/links-check/http-check.ts);
 *   any other retailer -> skipped (its entry does not allow automated requests).
 * Verdicts come back in product order.
 */
import type { Content } from '../../../domain/content/validate.ts';
import {
  mayRequest,
  verdictFromAnswer,
  type LinkVerdict,
  type ProductDataSource,
} from '../../../domain/catalog/link-health.ts';
import { checkHttp, type HttpCheckOptions } from './http-check.ts';

export async function checkContentLinks(
  content: Content,
  options: { source: ProductDataSource | null; http: HttpCheckOptions },
): Promise<LinkVerdict[]> {
  const retailers = new Map(content.retailers.map((r) => [r.id, r]));
  const products = content.products.filter((p) => p.available);
  const base = (p: (typeof products)[number]) => ({ product: p.id, retailer: p.retailer, url: p.url });
  const viaApi = products.filter((p) => retailers.get(p.retailer)?.hosts.some((h) => !mayRequest(h)));
  const viaHttp = products.filter(
    (p) =>
      !viaApi.includes(p) &&
      retailers.get(p.retailer)?.link_check === 'http' &&
      mayRequest(new URL(p.url).hostname),
  );
  const verdicts = new Map<string, LinkVerdict>();
  const { source } = options;
  for (let i = 0; i < viaApi.length; i += source?.batchSize ?? viaApi.length) {
    const batch = viaApi.slice(i, i + (source?.batchSize ?? viaApi.length));
    const answers = source ? await source.lookup(batch.map((p) => p.id)) : null;
    for (const p of batch)
      verdicts.set(
        p.id,
        source && answers
          ? verdictFromAnswer(base(p), answers.get(p.id), source.name)
          : {
              ...base(p),
              state: 'skipped',
              detail:
                "Amazon: no product-data source (pass --fixture <recording>; Amazon's pages are never requested)",
            },
      );
  }
  for (const v of await checkHttp(viaHttp.map(base), options.http)) verdicts.set(v.product, v);
  return products.map(
    (p) =>
      verdicts.get(p.id) ?? {
        ...base(p),
        state: 'skipped',
        detail: `retailer ${p.retailer} does not allow automated checks (no link_check: http)`,
      },
  );
}
