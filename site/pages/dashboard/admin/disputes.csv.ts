/** Disputes as CSV for admins, from the same service as `GET /api/admin/disputes?format=csv`. */
import type { APIRoute } from 'astro';
import { env } from 'cloudflare:workers';
import { listDisputes } from '../../../../worker/disputes/service.ts';
import { STATUS_OF } from '../../../../worker/lib/reasons.ts';
import { currentPrincipal } from '../../../lib/dashboard/session.ts';

export const prerender = false;

export const GET: APIRoute = async ({ session, url, redirect }) => {
  const who = await currentPrincipal({ session });
  if (!who) return redirect('/dashboard/', 303);
  if (who.role !== 'admin') return new Response('Admins only.\n', { status: STATUS_OF.forbidden });
  const listed = await listDisputes(env.DB, { state: url.searchParams.get('state') ?? 'open' });
  if ('reason' in listed)
    return new Response(
      `${listed.message}${(listed.issues ?? []).map((i) => ` (${i.path}: ${i.message})`).join('')}\n`,
      {
        status: STATUS_OF[listed.reason],
        headers: { 'Cache-Control': 'no-store' },
      },
    );
  return new Response(listed.csv(), {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="disputes-${listed.state}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
