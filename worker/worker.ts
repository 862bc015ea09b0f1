import { createApp } from './app.ts';
import type { Fallback } from './env.ts';
import { consumeClicks } from './clicks/consumer.ts';
import { runRetention } from './clicks/retention.ts';
import { program } from './orders/program.ts';
import { goAnswer, goPath } from './links/routes.ts';
import { setSecurityHeaders, withSecurityHeaders } from './security/headers.ts';
import { isOrderWebhook, orderWebhookAnswer } from './orders/webhook-routes.ts';
import { refreshPopularity } from './storefront/popularity.ts';
import { unhandledError } from './lib/problem.ts';

/** wrangler.toml [triggers]: hourly retention; daily "Most popular" refresh (docs/storefronts.md). */
export const POPULARITY_CRON = '41 4 * * *';

/** An answer of a route served before the general router; an error nothing caught is answered as the app's onError does. */
async function answerFirst(url: URL, answer: () => Promise<Response>): Promise<Response> {
  try {
    return await answer();
  } catch (error) {
    return unhandledError(url.pathname, error);
  }
}

/** The Worker's handlers, around whatever serves the routes the Hono app does not own. */
export function createWorker(fallback: Fallback) {
  const app = createApp(fallback);
  return {
    fetch: async (request: Request, env: Env, ctx: ExecutionContext) => {
      // /go/ before the general router (issue 26): a click is answered without Hono's dispatch,
      // and its 302 already carries the headers a redirect needs (redirectTo), so it is sent
      // without the security-headers copy. Every other answer, whichever sub-app or fallback
      // made it, leaves with its security headers.
      const url = new URL(request.url);
      const go = goPath(request, url);
      if (go !== null) {
        const response = await answerFirst(url, () => goAnswer(request, url, env, ctx, go));
        if (response.status === 302) return response;
        return withSecurityHeaders(request, response);
      }
      // The order webhook too: every answer it gives is one this worker built (JSON), so its
      // security headers are set in place, without the copy.
      if (isOrderWebhook(request, url))
        return setSecurityHeaders(
          url.pathname,
          await answerFirst(url, () => orderWebhookAnswer(request, env)),
        );
      return withSecurityHeaders(request, await app.fetch(request, env, ctx));
    },
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
