/**
 * The worker side of the security headers: every response that passes through the
 * worker gets the policy of its route class (domain/security/headers.ts), decided
 * from its path and Content-Type, so pages rendered on demand are covered whatever
 * route serves them. Static assets get the same policy from `_headers`. Each class's
 * headers are built once per isolate (the table is fixed at build).
 */
import securityTable from '../generated/security.ts';
import { routeClassOf, securityHeaders, type RouteClass } from '../../domain/security/headers.ts';

const HEADERS_OF: Readonly<Record<RouteClass, readonly (readonly [string, string])[]>> = {
  page: Object.entries(securityHeaders('page', securityTable)),
  dashboard: Object.entries(securityHeaders('dashboard', securityTable)),
  inert: Object.entries(securityHeaders('inert', securityTable)),
};

/** Any response: responses from fetch() or the assets binding have immutable headers, so it is copied once. */
export function withSecurityHeaders(request: Request, response: Response): Response {
  return setSecurityHeaders(new URL(request.url).pathname, new Response(response.body, response));
}

/**
 * A response this worker built itself (`new Response`, `Response.json`: mutable headers), at
 * `pathname`: its security headers set in place, no copy (the order webhook, issue 26).
 */
export function setSecurityHeaders(pathname: string, response: Response): Response {
  const kind = routeClassOf(pathname, response.headers.get('content-type'));
  for (const [name, value] of HEADERS_OF[kind]) response.headers.set(name, value);
  return response;
}
