import { createApp, type Fallback } from './app.ts';
import { consumeClicks } from './clicks/consumer.ts';

/** The Worker's handlers, around whatever serves the routes the Hono app does not own. */
export function createWorker(fallback: Fallback) {
  const app = createApp(fallback);
  return {
    fetch: app.fetch,
    queue: consumeClicks,
  } satisfies ExportedHandler<Env>;
}
