import { createApp, type Fallback } from './app.ts';
import { consumeClicks } from './clicks/consumer.ts';
import { runRetention } from './clicks/retention.ts';
import { program } from './orders/program.ts';

/** The Worker's handlers, around whatever serves the routes the Hono app does not own. */
export function createWorker(fallback: Fallback) {
  const app = createApp(fallback);
  return {
    fetch: app.fetch,
    queue: consumeClicks,
    // The cron trigger in wrangler.toml: delete raw clicks past the retention.
    scheduled: (controller, env, ctx) => {
      ctx.waitUntil(runRetention(env.DB, program.table.click_retention_days, controller.scheduledTime));
    },
  } satisfies ExportedHandler<Env>;
}
