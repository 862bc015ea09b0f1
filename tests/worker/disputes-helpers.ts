/** The disputes tests' requests: through the real worker, with a bearer token or none. */
import { exports } from 'cloudflare:workers';
import { ORIGIN } from './orders-helpers.ts';

export function call(path: string, token: string | null, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(`${ORIGIN}${path}`, {
    ...init,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...init.headers },
  });
}

/** A JSON post (a string body is sent as it is, for malformed-body cases). */
export const post = (path: string, token: string | null, body: unknown): Promise<Response> =>
  call(path, token, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
