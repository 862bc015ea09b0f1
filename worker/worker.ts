import { createApp } from './app.ts';
import type { Fallback } from './env.ts';
import { consumeClicks } from './clicks/consumer.ts';
import { runRetention } from './clicks/retention.ts';
import { program } from './orders/program.ts';
import { withSecurityHeaders } from './security/headers.ts';
import { refreshPopularity } from './storefront/popularity.ts';

/** wrangler.toml [triggers]: hourly retention; daily "Most popular" refresh (docs/storefronts.md). */
export const POPULARITY_CRON = '41 4 * * *';

/** The Worker's handlers, around whatever serves the routes the Hono app does not own. */
export function createWorker(fallback: Fallback) {
  const app = createApp(fallback);
  return {
    // Every response, whichever sub-app or fallback made it, leaves with its security headers.
    fetch: async (request: Request, env: Env, ctx: ExecutionContext) =>
      withSecurityHeaders(request, await app.fetch(request, env, ctx)),
    queue: consumeClicks,
    // The cron triggers in wrangler.toml: delete raw clicks past the retention (hourly), refresh
    // every storefront's "Most popular" (daily).
    scheduled: (controller, env, ctx) => {
      if (controller.cron === POPULARITY_CRON)
        ctx.waitUntil(refreshPopularity(env.DB, env.SESSION, controller.scheduledTime));
      else ctx.waitUntil(runRetention(env.DB, program.table.click_retention_days, controller.scheduledTime));
    },
  } satisfies ExportedHandler<Env>;
}
