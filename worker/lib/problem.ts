/**
 * Error answers of the API, one shape everywhere: `{ error, issues? }` where each
 * issue names the request part (`path`) and says what is wrong. Never a stack trace.
 */
import type { Issue } from '../../domain/orders/event.ts';

export function problem(
  status: number,
  error: string,
  issues?: readonly Issue[],
  headers: Record<string, string> = {},
): Response {
  return Response.json(issues ? { error, issues } : { error }, {
    status,
    headers: { 'Cache-Control': 'no-store', ...headers },
  });
}
