/**
 * What saving a change request to a member's storefront needs before anything else: a usable
 * signing key (REQUEST_SIGNING_KEY) and the member's storefront in the deployed build.
 */
import type { FieldError } from '../../domain/requests/application.ts';
import { describeProblem, settingProblem } from '../config/check.ts';
import { readStorefront, type Storefront } from '../pages/page-store.ts';

type Refused = { ok: false; status: 404 | 503; errors: FieldError[] };

/**
 * The storefront to save a request against. Without a usable key: one structured log line
 * (`event`) naming the problem and 503, nothing stored; without a built storefront: 404.
 */
export async function storefrontToSave(
  env: Env,
  handle: string,
  event: string,
): Promise<{ ok: true; built: Extract<Storefront, { kind: 'page' }> } | Refused> {
  const misconfigured = settingProblem(env, 'REQUEST_SIGNING_KEY');
  if (misconfigured) {
    console.error(JSON.stringify({ event, problem: describeProblem(misconfigured) }));
    return refused(503, 'Saving is unavailable right now; nothing was stored.');
  }
  const built = await readStorefront(env.ASSETS, handle);
  if (built.kind !== 'page') return refused(404, `no storefront "${handle}" in the deployed build`);
  return { ok: true, built };
}

function refused(status: 404 | 503, message: string): Refused {
  return { ok: false, status, errors: [{ field: '(form)', message }] };
}
