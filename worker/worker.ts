import { createApp } from './app.ts';
import type { Fallback } from './env.ts';
import { consumeClicks } from './clicks/consumer.ts';
import { runRetention } from './clicks/retention.ts';
import { program } from './orders/program.ts';
import { goAnswer, goPath, type GoPath } from './links/routes.ts';
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

/**
 * The /go/ answer as sent, as answerFirst would (an error nothing caught answered as onError does),
 * but without a promise when goAnswer gives none (the hot path, issue 26: every await is a hop the
 * request pays for): a 302 as it is (redirectTo built it complete), any other with its security headers.
 */
function goFirst(request: Request, url: URL, env: Env, ctx: ExecutionContext, go: GoPath) {
  let response: Response | Promise<Response>;
  try {
    response = goAnswer(request, url, env, ctx, go);
  } catch (error) {
    response = unhandledError(url.pathname, error);
  }
  if (response instanceof Response) return goResponse(request, response);
  return response.then(
    (settled) => goResponse(request, settled),
    (error: unknown) => goResponse(request, unhandledError(url.pathname, error)),
  );
}

function goResponse(request: Request, response: Response): Response {
  return response.status === 302 ? response : withSecurityHeaders(request, response);
}

/** Every answer but /go/'s. */
async function routed(request: Request, url: URL, env: Env, ctx: ExecutionContext, app: App) {
  // The order webhook too: every answer it gives is one this worker built (JSON), so its
  // security headers are set in place, without the copy.
  if (isOrderWebhook(request, url))
    return setSecurityHeaders(url.pathname, await answerFirst(url, () => orderWebhookAnswer(request, env)));
  return withSecurityHeaders(request, await app.fetch(request, env, ctx));
}
type App = ReturnType<typeof createApp>;

/** The Worker's handlers, around whatever serves the routes the Hono app does not own. */
export function createWorker(fallback: Fallback) {
  const app = createApp(fallback);
  return {
    fetch: (request: Request, env: Env, ctx: ExecutionContext): Response | Promise<Response> => {
      // /go/ before the general router (issue 26): a click is answered without Hono's dispatch,
      // and its 302 already carries the headers a redirect needs (redirectTo), so it is sent
      // without the security-headers copy; with its shards cached, without a promise. Every
      // other answer, whichever sub-app or fallback made it, leaves with its security headers.
      const url = new URL(request.url);
      const go = goPath(request, url);
      if (go !== null) return goFirst(request, url, env, ctx, go);
      return routed(request, url, env, ctx, app);
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
