/**
 * The Hono app: one sub-app per feature. Anything it does not route goes to
 * `fallback` (Astro's handler in production: static pages and on-demand pages).
 */
import { Hono } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { limitBearerFailures } from './auth/bearer-limit.ts';
import type { AppEnv, Fallback } from './env.ts';
import { clickRecovery } from './clicks/recover-routes.ts';
import { health } from './health/routes.ts';
import { images } from './images/routes.ts';
import { qr } from './links/qr-routes.ts';
import { adminOrders } from './orders/admin-routes.ts';
import { reportImport } from './orders/import-routes.ts';
import { pages } from './pages/routes.ts';
import { adminHolds } from './holds/routes.ts';
import { adminDisputes, memberDisputeRoutes } from './disputes/routes.ts';
import { payouts } from './payouts/routes.ts';
import { stats } from './reports/stats-routes.ts';
import { apply } from './requests/apply-routes.ts';
import { adminRequests, memberRequests } from './requests/api-routes.ts';
import { claims } from './requests/claim-routes.ts';
import { unhandledError } from './lib/problem.ts';
import { STATUS_OF } from './lib/reasons.ts';

export function createApp(fallback: Fallback) {
  // strict: false so "/shop/h/" and "/shop/h" are the same route (/go/ is matched before this app:
  // worker.ts, goPath).
  const app = new Hono<AppEnv>({ strict: false });
  // Build-time lookups served to the worker through the assets binding, not to the public.
  app.all('/_data/*', (c) => c.text('Not found', STATUS_OF.not_found, { 'Cache-Control': 'no-store' }));
  app.route('/healthz', health);
  app.route('/images', images);
  // Before the API sub-apps: a visitor with too many failed tokens is refused before any is checked.
  app.use('/api/*', limitBearerFailures);
  app.route('/qr', qr);
  // POST /webhooks/orders (with or without its trailing slash) is answered in worker.ts, before this router.
  app.route('/api/stats', stats);
  app.route('/api/admin/payouts', payouts);
  app.route('/api/admin/holds', adminHolds);
  app.route('/api/admin/disputes', adminDisputes);
  app.route('/api/disputes', memberDisputeRoutes);
  app.route('/api/admin/import', reportImport);
  app.route('/api/admin/orders', adminOrders);
  app.route('/api/admin/clicks', clickRecovery);
  app.route('/api/admin/requests', adminRequests);
  app.route('/api/requests', memberRequests);
  app.route('/shop', pages(fallback));
  app.route('/apply', apply);
  app.route('/claim', claims);

  app.notFound((c) => fallback(c.req.raw, c.env, c.executionCtx as ExecutionContext));
  app.onError((error, c) => {
    if (error instanceof HTTPException) return error.getResponse();
    return unhandledError(new URL(c.req.url).pathname, error);
  });
  return app;
}
