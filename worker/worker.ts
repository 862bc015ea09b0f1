import { createApp } from './app.ts';
import type { Fallback } from './env.ts';
import { consumeClicks } from './clicks/consumer.ts';
import { runRetention } from './clicks/retention.ts';
import { program } from './orders/program.ts';
import { withSecurityHeaders } from './security/headers.ts';

/** The Worker's handlers, around whatever serves the routes the Hono app does not own. */
export function createWorker(fallback: Fallback) {
  const app = createApp(fallback);
  return {
    // Every response, whichever sub-app or fallback made it, leaves with its security headers.
    fetch: async (request: Request, env: Env, ctx: ExecutionContext) =>
      withSecurityHeaders(request, await app.fetch(request, env, ctx)),
    queue: consumeClicks,
    // The cron trigger in wrangler.toml: delete raw clicks past the retention.
    scheduled: (controller, env, ctx) => {
      ctx.waitUntil(runRetention(env.DB, program.table.click_retention_days, controller.scheduledTime));
    },
  } satisfies ExportedHandler<Env>;
}
