/**
 * The admin console uses the same handlers as the admin API, called in-process
 * with the admin token from env, so a page and an API call can never disagree.
 * Only ever called after the session was checked to be the admin's.
 */
import { env } from 'cloudflare:workers';
import { reportImport } from '../../../worker/orders/import-routes.ts';
import { payouts } from '../../../worker/reports/payouts-routes.ts';

function adminInit(init: RequestInit = {}): RequestInit {
  return { ...init, headers: { ...init.headers, authorization: `Bearer ${env.ADMIN_TOKEN}` } };
}

export async function payoutsCsv(period: string): Promise<Response> {
  return payouts.request(`/?period=${encodeURIComponent(period)}&format=csv`, adminInit(), env);
}

export async function payoutsJson(period: string): Promise<Response> {
  return payouts.request(`/?period=${encodeURIComponent(period)}`, adminInit(), env);
}

export async function closePayoutMonth(period: string): Promise<Response> {
  return payouts.request(`/close?period=${encodeURIComponent(period)}`, adminInit({ method: 'POST' }), env);
}

export async function markPayoutPaid(body: {
  period: string;
  handle: string;
  reference: string;
}): Promise<Response> {
  return payouts.request(
    '/paid',
    adminInit({
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    }),
    env,
  );
}

export async function payoutRuns(): Promise<Response> {
  return payouts.request('/runs', adminInit(), env);
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
