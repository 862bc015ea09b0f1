/**
 * A product proposed by its retailer URL from the storefront editor (CONTRACT.md section 15):
 * its own change request, adding content/products/<id>.yaml, for an admin to review and merge
 * (vet lets only an admin change product files).
 *
 *   link      = pastedLink(url)                                (domain/catalog/lookup.ts)
 *   retailer  = the retailer whose `hosts` hold link's host    (else: url refused)
 *   id        = link.asin              for a retailer of group "amazon" (no ASIN: url refused)
 *             = link.candidates[0]     elsewhere (the last path segment that could be an id)
 *   file      = { id, retailer, title, brand, category  (typed by the creator),
 *                 url: link.canonical, image: PROPOSED_IMAGE, currency: retailer's,
 *                 price: 0, price_checked_at: today, prime: false, available: false }
 *   errors    = validateContent(program, retailers, rates, [file])  (the build's own checks)
 *
 * Nothing about price, rating or Prime is typed by the creator: Amazon lets a site show them
 * only as the retailer reports them. The file is proposed `available: false` (hidden from
 * storefronts and links) with a placeholder image; the admin fills in price, Prime and image
 * from the retailer and sets `available: true` before merging (the file's header says so).
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import { pastedLink } from '../catalog/lookup.ts';
import { retailersFile } from '../content/schema.ts';
import { validateContent } from '../content/validate.ts';
import type { FieldError } from './application.ts';
import type { RequestBase } from './vet-request.ts';

/** The image a proposed product names until an admin replaces it (site/public/images/products/). */
export const PROPOSED_IMAGE = '/images/products/proposed.svg';
export const PRODUCT_DIR = 'content/products/';

/** What the editor's "propose a product" form posts. */
export const productProposalForm = z.strictObject({
  action: z.literal('product-propose'),
  url: z.string().trim().min(1, 'paste the product page URL').max(2000),
  title: z.string().trim().min(1, 'type the product title as the retailer shows it').max(200),
  brand: z.string().trim().min(1, 'type the brand').max(80),
  category: z.string().trim().min(1, 'pick a category').max(64),
});
export type ProductProposalForm = z.output<typeof productProposalForm>;

export type ProposedProduct =
  { ok: true; id: string; path: string; text: string } | { ok: false; errors: FieldError[] };

function refuse(field: string, message: string): ProposedProduct {
  return { ok: false, errors: [{ field, message }] };
}

/** The product file a proposal becomes, checked as the build checks product files. */
export function proposeProduct(
  base: RequestBase,
  form: ProductProposalForm,
  proposer: string,
  today: string,
): ProposedProduct {
  const link = pastedLink(form.url);
  if (!link)
    return refuse('url', 'must be the address of a product page, e.g. https://www.amazon.com/dp/B0XXXXXXXX');
  const retailers = retailersFile.safeParse(base.retailers);
  if (!retailers.success) return refuse('(form)', 'the deployed build has no readable retailers file');
  const host = new URL(link.canonical).hostname;
  const retailer = retailers.data.retailers.find((r) => r.hosts.includes(host));
  if (!retailer)
    return refuse(
      'url',
      `host "${host}" is not a retailer of this program (hosts: ${retailers.data.retailers.flatMap((r) => r.hosts).join(', ')})`,
    );
  const amazon = retailer.group === 'amazon' || link.asin !== null;
  const id = amazon ? link.asin : (link.candidates[0] ?? null);
  if (id === null)
    return refuse(
      'url',
      amazon
        ? 'no ASIN in this Amazon address: use the product page (…/dp/<ASIN>)'
        : 'no product id in this address: use the product page itself',
    );
  const path = `${PRODUCT_DIR}${id}.yaml`;
  const data = {
    id,
    retailer: retailer.id,
    title: form.title,
    brand: form.brand,
    category: form.category,
    url: link.canonical,
    image: PROPOSED_IMAGE,
    price: 0,
    currency: retailer.currency,
    price_checked_at: today,
    prime: false,
    available: false,
  };
  const { errors } = validateContent({
    program: { path: 'content/program.yaml', data: base.program },
    retailers: { path: 'content/retailers.yaml', data: base.retailers },
    rates: { path: 'content/commission-rates.yaml', data: base.rates },
    influencers: [],
    products: [{ path, data }],
  });
  const own = errors.filter((e) => e.file === path);
  if (own.length > 0) return { ok: false, errors: own.map((e) => ({ field: e.field, message: e.message })) };
  const header = [
    `# Proposed by ${proposer} from the storefront editor (CONTRACT.md section 15).`,
    '# Before merging: check it at the retailer, set price, prime and image as the retailer shows',
    '# them (or let the catalog sync fill them in), then set available: true.',
  ].join('\n');
  return { ok: true, id, path, text: `${header}\n${stringify(data, { lineWidth: 0 })}` };
}
