/** Saving a change request needs a usable signing key (REQUEST_SIGNING_KEY). */
import type { FieldError } from '../../domain/requests/application.ts';
import { describeProblem, settingProblem } from '../config/check.ts';

/** Without a usable key: one structured log line naming the problem, and the form's answer (503, nothing stored). */
export function savingUnavailable(
  env: Env,
  event: string,
): { ok: false; status: 503; errors: FieldError[] } | null {
  const misconfigured = settingProblem(env, 'REQUEST_SIGNING_KEY');
  if (!misconfigured) return null;
  console.error(JSON.stringify({ event, problem: describeProblem(misconfigured) }));
  return {
    ok: false,
    status: 503,
    errors: [{ field: '(form)', message: 'Saving is unavailable right now; nothing was stored.' }],
  };
}
