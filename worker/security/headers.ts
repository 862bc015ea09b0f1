/**
 * The worker side of the security headers: every response that passes through the
 * worker gets the policy of its route class (domain/security/headers.ts), decided
 * from its path and Content-Type, so pages rendered on demand are covered whatever
 * route serves them. Static assets get the same policy from `_headers`.
 */
import securityTable from '../generated/security.ts';
import { routeClassOf, securityHeaders } from '../../domain/security/headers.ts';

export function withSecurityHeaders(request: Request, response: Response): Response {
  const kind = routeClassOf(new URL(request.url).pathname, response.headers.get('content-type'));
  // Responses from fetch() or the assets binding have immutable headers: copy once.
  const secured = new Response(response.body, response);
  for (const [name, value] of Object.entries(securityHeaders(kind, securityTable))) {
    secured.headers.set(name, value);
  }
  return secured;
}
