/** Payouts of a month as CSV, from the same handler as `GET /api/admin/payouts?format=csv`. */
import type { APIRoute } from 'astro';
import { payoutsCsv } from '../../../lib/dashboard/admin-api.ts';
import { currentPrincipal } from '../../../lib/dashboard/session.ts';

export const prerender = false;

export const GET: APIRoute = async ({ session, url, redirect }) => {
  const who = await currentPrincipal({ session });
  if (!who) return redirect('/dashboard/', 303);
  if (who.role !== 'admin') return new Response('Admins only.\n', { status: 403 });
  return payoutsCsv(url.searchParams.get('period') ?? '');
};
