/**
 * What saving a change request to a member's storefront needs before anything else: a usable
 * signing key (REQUEST_SIGNING_KEY) and the member's storefront in the deployed build.
 */
import type { FieldError } from '../../domain/requests/application.ts';
import { describeProblem, settingProblem } from '../config/check.ts';
import { log } from '../lib/log.ts';
import { readStorefront, type Storefront } from '../pages/page-store.ts';

/** A RequestRefusal (edit.ts) of its own: worker/lib/reasons.ts gives each its HTTP status. */
type Refused = { ok: false; reason: 'misconfigured' | 'not_found'; errors: FieldError[] };

/**
 * The storefront to save a request against. Without a usable key: one structured log line
 * (`event`) naming the problem and misconfigured (503), nothing stored; without a built storefront: not_found.
 */
export async function storefrontToSave(
  env: Env,
  handle: string,
  event: string,
): Promise<{ ok: true; built: Extract<Storefront, { kind: 'page' }> } | Refused> {
  const misconfigured = settingProblem(env, 'REQUEST_SIGNING_KEY');
  if (misconfigured) {
    log('error', event, { problem: describeProblem(misconfigured) });
    return refused('misconfigured', 'Saving is unavailable right now; nothing was stored.');
  }
  const built = await readStorefront(env.ASSETS, handle);
  if (built.kind !== 'page') return refused('not_found', `no storefront "${handle}" in the deployed build`);
  return { ok: true, built };
}

function refused(reason: Refused['reason'], message: string): Refused {
  return { ok: false, reason, errors: [{ field: '(form)', message }] };
}
