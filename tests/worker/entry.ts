/**
 * The Worker as tests run it in workerd: the same app and handlers as
 * worker/index.ts. Astro's handler only exists inside an Astro build, so routes
 * the app does not own fall through to the static assets binding instead.
 */
import { createWorker } from '../../worker/worker.ts';

export default createWorker((request, env) => env.ASSETS.fetch(request));
