/** The Worker entry: the Hono app first, Astro's handler for everything else. */
import { handle } from '@astrojs/cloudflare/handler';
import { createWorker } from './worker.ts';

export default createWorker(handle);
