import type { APIRoute } from 'astro';

export const prerender = false;

/** Ends the session and returns to the sign-in page. */
export const POST: APIRoute = ({ session, redirect }) => {
  session?.destroy();
  return redirect('/dashboard/', 303);
};
