/**
 * The security headers of every response (CONTRACT.md section 9), in one place for
 * both ways a response leaves the site: `_headers` for static assets (written at
 * build by build/content-gate.ts) and the worker middleware
 * (worker/security/headers.ts) for everything that passes through the worker,
 * including pages rendered on demand. Both call `securityHeaders`, so a static
 * page and the same page rendered by the worker carry the same policy.
 *
 * Pages are chosen by route class, never by a list of files:
 * - `page`: storefronts, lists, the directory, 404 and any other HTML. No script
 *   at all; images from this site and the retailers' listed image hosts only;
 *   connections to this site only (for audit tools' /robots.txt check).
 * - `dashboard`: /dashboard pages and the other forms (/apply, /claim). No script either (they use none); forms post
 *   to this site only; never framed.
 * - `inert`: everything that is not HTML (images, avatars, JSON, CSV, redirects).
 *   Sandboxed with nothing allowed, so an image opened directly (an SVG with a
 *   script, a file with a lying extension) can run nothing.
 */

import type { Content } from '../content/validate.ts';

export type RouteClass = 'page' | 'dashboard' | 'inert';

export interface SecurityTable {
  /** https hosts that product images may be loaded from (the retailers' `image_hosts`). */
  imageHosts: string[];
}

/** Compiled at build time from content, for the worker (which cannot read YAML). */
export function buildSecurityTable(content: Pick<Content, 'retailers'>): SecurityTable {
  return { imageHosts: [...new Set(content.retailers.flatMap((r) => r.image_hosts))].sort() };
}

const PERMISSIONS_POLICY = [
  'accelerometer=()',
  'autoplay=()',
  'camera=()',
  'display-capture=()',
  'geolocation=()',
  'gyroscope=()',
  'magnetometer=()',
  'microphone=()',
  'midi=()',
  'payment=()',
  'usb=()',
  'browsing-topics=()',
].join(', ');

export const HSTS = 'max-age=31536000';

/** Retailers see only our origin (Associates programs check where traffic comes from). */
export const REDIRECT_REFERRER_POLICY = 'strict-origin-when-cross-origin';

/** Whether a response is a document a browser would render as HTML. */
export function isHtml(contentType: string | null): boolean {
  return /^\s*(?:text\/html|application\/xhtml\+xml)\s*(?:;|$)/i.test(contentType ?? '');
}

/** Pages with forms that post to this site (the dashboard's policy: no script, form-action 'self'). */
const FORM_ROUTES = ['/dashboard', '/apply', '/claim'];

export function routeClassOf(pathname: string, contentType: string | null): RouteClass {
  if (!isHtml(contentType)) return 'inert';
  return FORM_ROUTES.some((r) => pathname === r || pathname.startsWith(`${r}/`)) ? 'dashboard' : 'page';
}

export function contentSecurityPolicy(kind: RouteClass, table: SecurityTable): string {
  switch (kind) {
    case 'page':
      return [
        "default-src 'none'",
        "script-src 'none'",
        `img-src ${["'self'", ...table.imageHosts.map((host) => `https://${host}`)].join(' ')}`,
        // Astro inlines the one stylesheet into each page.
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        // A storefront's search box is a GET form to the site itself (CONTRACT section 17).
        "form-action 'self'",
        // Lighthouse loads /robots.txt inside the page, under this policy (docs/security.md):
        // with no script, only a same-site `<a ping>` could use it, less than the form above.
        "connect-src 'self'",
        "frame-ancestors 'none'",
      ].join('; ');
    case 'dashboard':
      return [
        "default-src 'none'",
        "script-src 'none'",
        "img-src 'self'",
        "style-src 'unsafe-inline'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
      ].join('; ');
    case 'inert':
      return "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";
  }
}

export function securityHeaders(kind: RouteClass, table: SecurityTable): Record<string, string> {
  return {
    'Content-Security-Policy': contentSecurityPolicy(kind, table),
    'X-Content-Type-Options': 'nosniff',
    // Retailers see only our origin (Associates programs check where traffic comes from);
    // dashboard URLs, which name creators, never leave the site.
    'Referrer-Policy': kind === 'dashboard' ? 'same-origin' : REDIRECT_REFERRER_POLICY,
    'Permissions-Policy': PERMISSIONS_POLICY,
    // HTTPS only, for a year, on this host (section 16). Not includeSubDomains or preload:
    // those bind every subdomain of the owner's domain, a choice for the owner to make.
    'Strict-Transport-Security': HSTS,
    ...(kind === 'inert' ? {} : { 'Cross-Origin-Opener-Policy': 'same-origin' }),
    ...(kind === 'dashboard' ? { 'X-Frame-Options': 'DENY' } : {}),
  };
}

/** Static paths served as images or other files, never as pages: the inert policy replaces the page one. */
export const INERT_STATIC_PATHS = ['/images/*', '/favicon.svg'];

/**
 * The `_headers` rules for static assets. Rules apply in order; `! Name` drops
 * what an earlier rule set, so images get only the inert policy.
 */
export function headersFile(table: SecurityTable): string {
  const block = (pattern: string, headers: Record<string, string>, detach: string[] = []) =>
    [
      pattern,
      ...detach.map((name) => `  ! ${name}`),
      ...Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`),
    ].join('\n');
  const page = securityHeaders('page', table);
  const inert = securityHeaders('inert', table);
  return [
    '# Security headers (domain/security/headers.ts). Generated by the build; do not edit.',
    block('/*', page),
    ...INERT_STATIC_PATHS.map((pattern) => block(pattern, inert, Object.keys(page))),
  ].join('\n\n');
}
