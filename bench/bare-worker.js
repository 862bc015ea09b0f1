// The baseline of bench/redirect.ts: a Worker that does nothing but answer the
// redirect, so the ratio shopfront / bare shows what our work per click costs.
const LOCATION = 'https://www.amazon.com/dp/B09TQ7ZCS2?tag=bench-20&ascsubtag=bare';

export default {
  fetch() {
    return new Response(null, { status: 302, headers: { Location: LOCATION, 'Cache-Control': 'no-store' } });
  },
};
