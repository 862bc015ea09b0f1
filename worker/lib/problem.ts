/**
 * Error answers of the API, one shape everywhere: `{ error, issues? }` where each
 * issue names the request part (`path`) and says what is wrong (domain/issues.ts).
 * Never a stack trace. The status comes from the reason, through the one table
 * (reasons.ts).
 */
import type { Issue } from '../../domain/issues.ts';
import { log } from './log.ts';
import { STATUS_OF, type Reason } from './reasons.ts';

export function problem(
  reason: Reason,
  error: string,
  issues?: readonly Issue[],
  headers: Record<string, string> = {},
): Response {
  return Response.json(issues ? { error, issues } : { error }, {
    status: STATUS_OF[reason],
    headers: { 'Cache-Control': 'no-store', ...headers },
  });
}

/**
 * The one answer to an error nothing else caught (our bug): logged with the request's path,
 * answered 500 without detail. The Hono app's onError and the routes the worker answers
 * before it (worker.ts: /go/, the order webhook) all answer this way.
 */
export function unhandledError(pathname: string, error: unknown): Response {
  log('error', 'worker.unhandled_error', { path: pathname, error: String(error) });
  return problem('internal', 'internal error');
}

/** A service's refusal (`{ reason, message, issues? }`) as its problem answer. */
export function refusalProblem(r: { reason: Reason; message: string; issues?: readonly Issue[] }): Response {
  return problem(r.reason, r.message, r.issues);
}
