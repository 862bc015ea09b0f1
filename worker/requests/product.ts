/**
 * A product proposed by its retailer URL from /dashboard/<handle>/edit/ (CONTRACT.md section 15).
 * Order of checks:
 *   1. REQUEST_SIGNING_KEY set                                 else 503, nothing stored
 *   2. the proposer has a storefront in the deployed build     else 404
 *   3. proposeProduct(): URL on a retailer's hosts, the id it names, the file checked as the
 *      build checks product files (domain/requests/product-proposal.ts)          else 400
 *   4. not in the build's catalog already, not proposed already (a request not declined)
 *                                                              else 400 naming the product
 *   5. one batch: the signed request, kind "product", handle = the proposer
 * It is its own request (never merged into the member's edits): vet lets only an admin change
 * product files, so its pull request is for an admin to review and merge.
 */
import type { FieldError } from '../../domain/requests/application.ts';
import { proposeProduct, type ProductProposalForm } from '../../domain/requests/product-proposal.ts';
import { skeleton } from '../../domain/vet/handles.ts';
import { utcDay } from '../../domain/time.ts';
import { withRetry } from '../lib/d1-retry.ts';
import { log } from '../lib/log.ts';
import { builtProducts, readRequestBase } from './base-store.ts';
import { signedRequest } from './signing.ts';
import type { RequestRefusal } from './edit.ts';
import { storefrontToSave } from './save-target.ts';
import { insertRequest } from './store.ts';

export type ProductOutcome =
  { ok: true; id: string; product: string } | { ok: false; reason: RequestRefusal; errors: FieldError[] };

function refused(reason: RequestRefusal, field: string, message: string): ProductOutcome {
  return { ok: false, reason, errors: [{ field, message }] };
}

/** Whether a product request for `path` is already waiting or merged (not declined or replaced). */
async function alreadyProposed(db: D1Database, path: string): Promise<boolean> {
  const row = await withRetry(() =>
    db
      .prepare(
        `SELECT 1 AS n FROM change_requests
         WHERE kind = 'product' AND file_path = ?1 AND state NOT IN ('declined', 'superseded') LIMIT 1`,
      )
      .bind(path)
      .first(),
  );
  return row !== null;
}

export async function proposeProductRequest(
  env: Env,
  handle: string,
  form: ProductProposalForm,
  now: Date,
): Promise<ProductOutcome> {
  const target = await storefrontToSave(env, handle, 'product.misconfigured');
  if (!target.ok) return target;
  const proposed = proposeProduct(await readRequestBase(env.ASSETS), form, handle, utcDay(now));
  if (!proposed.ok) return { ok: false, reason: 'invalid', errors: proposed.errors };
  if ((await builtProducts(env.ASSETS, [proposed.id])).has(proposed.id))
    return refused(
      'invalid',
      'url',
      `product ${proposed.id} is in the catalog already: find it with the search`,
    );
  if (await alreadyProposed(env.DB, proposed.path))
    return refused(
      'invalid',
      'url',
      `product ${proposed.id} has been proposed already and waits for an admin`,
    );
  const request = await signedRequest(env, {
    kind: 'product',
    handle,
    handleSkeleton: skeleton(handle),
    filePath: proposed.path,
    fileText: proposed.text,
    images: [],
    application: null,
    now,
  });
  await insertRequest(env.DB, request);
  const { id } = request;
  log('info', 'product.proposed', { request: id, handle, product: proposed.id });
  return { ok: true, id, product: proposed.id };
}
