/**
 * The admin console uses the same handlers as the admin API, called in-process
 * with the admin token from env, so a page and an API call can never disagree.
 * Only ever called after the session was checked to be the admin's. (Payouts
 * call worker/payouts/service.ts directly, with no token.)
 */
import { env } from 'cloudflare:workers';
import { reportImport } from '../../../worker/orders/import-routes.ts';

function adminInit(init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...init.headers, authorization: `Bearer ${env.ADMIN_TOKEN}` } };
}

/** The file's bytes as uploaded (UTF-8 or Windows-1252: the importer decodes them), with the import's fields. */
export async function importAmazonReport(
  bytes: Uint8Array<ArrayBuffer>,
  fields: URLSearchParams,
): Promise<Response> {
  return reportImport.request(
    `/amazon?${fields.toString()}`,
    adminInit({ method: 'POST', body: bytes, headers: { 'content-type': 'text/csv' } }),
    env,
  );
}
