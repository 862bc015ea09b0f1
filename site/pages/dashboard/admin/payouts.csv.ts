/** Payouts of a month as CSV, from the same service as `GET /api/admin/payouts?format=csv`. */
import type { APIRoute } from 'astro';
import { env } from 'cloudflare:workers';
import { STATUS_OF } from '../../../../worker/lib/reasons.ts';
import { payoutMonth } from '../../../../worker/payouts/service.ts';
import { currentPrincipal } from '../../../lib/dashboard/session.ts';

export const prerender = false;

export const GET: APIRoute = async ({ session, url, redirect }) => {
  const who = await currentPrincipal({ session });
  if (!who) return redirect('/dashboard/', 303);
  if (who.role !== 'admin') return new Response('Admins only.\n', { status: STATUS_OF.forbidden });
  const period = url.searchParams.get('period') ?? '';
  const month = await payoutMonth(env.DB, period);
  if (!month.ok)
    return new Response(`${month.message}\n`, {
      status: STATUS_OF[month.reason],
      headers: { 'Cache-Control': 'no-store' },
    });
  return new Response(month.csv, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="payouts-${period}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
