/** The worker bench/orders.ts serves with `wrangler dev`: the real app, with a plain 404 instead of Astro's pages. */
import { createWorker } from '../worker/worker.ts';

export default createWorker(() => new Response('not found', { status: 404 }));
