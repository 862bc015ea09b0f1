/** The creator's ledger entries of a period as CSV: one row per entry, money in minor units. */
import type { APIRoute } from 'astro';
import { env } from 'cloudflare:workers';
import { csv } from '../../../../domain/csv.ts';
import { resolvePeriod } from '../../../lib/dashboard/period.ts';
import { currentPrincipal, mayView } from '../../../lib/dashboard/session.ts';
import { ledgerReason, readLedgerLines } from '../../../../worker/dashboard/queries.ts';
import { readProductTitles } from '../../../../worker/catalog/queries.ts';
import { STATUS_OF } from '../../../../worker/lib/reasons.ts';

export const prerender = false;

export const GET: APIRoute = async ({ params, session, url, redirect }) => {
  const handle = params.handle ?? '';
  const who = await currentPrincipal({ session });
  if (!who) return redirect('/dashboard/', 303);
  if (!mayView(who, handle))
    return new Response('This ledger belongs to another creator.\n', { status: STATUS_OF.forbidden });
  const period = resolvePeriod(url.searchParams.get('period'), new Date());
  const lines = await readLedgerLines(env.DB, handle, period.start, period.end);
  const titles = await readProductTitles(
    env.DB,
    lines.map((l) => l.product_id),
  );
  const body = csv(
    [
      'entry_id',
      'effective_at',
      'order_id',
      'product_id',
      'category',
      'event',
      'bucket',
      'quantity',
      'unit_price_minor',
      'rate_bps',
      'amount_minor',
      'revenue_minor',
      'currency',
      'reason',
      'product_title',
    ],
    lines.map((l) => [
      l.entry_id,
      new Date(l.effective_at).toISOString(),
      l.order_id,
      l.product_id,
      l.category,
      l.event_type,
      l.bucket,
      l.quantity,
      l.unit_price_minor,
      l.rate_bps,
      l.amount_minor,
      l.revenue_minor,
      l.currency,
      ledgerReason(l, titles.get(l.product_id)),
      titles.get(l.product_id) ?? '',
    ]),
  );
  return new Response(body, {
    headers: {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="ledger-${handle}-${period.key}.csv"`,
      'Cache-Control': 'no-store',
    },
  });
};
