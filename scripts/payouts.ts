/**
 * `npm run payouts -- <command> [--remote] [--url <origin>]`: the month-end routine
 * against the worker's payout endpoints (one implementation, the same checks as
 * the admin console). Locally http://localhost:8787 with ADMIN_TOKEN from
 * .dev.vars; with --remote SHOPFRONT_URL with ADMIN_TOKEN from the environment.
 *
 *   close YYYY-MM                      freeze a month's payout rows (prints them)
 *   show YYYY-MM                       a month: closed (as stored) or open (as of now)
 *   paid YYYY-MM <handle> <reference>  record that a closed month's payout was sent
 *   owed                               closed months and every payable row not yet paid
 *
 * See docs/orders.md, "Month end".
 */
import { formatMoney } from '../domain/money.ts';
import type { Currency } from '../domain/currency.ts';
import { parseTargetArgs, post, resolveTarget, type Target } from './lib/orders/target.ts';

const USAGE = `usage: npm run payouts -- close YYYY-MM [--remote] [--url <origin>]
       npm run payouts -- show YYYY-MM [--remote]
       npm run payouts -- paid YYYY-MM <handle> <reference> [--remote]
       npm run payouts -- owed [--remote]`;

interface Row {
  handle: string;
  status: string;
  carried_in_minor: number;
  adjustment_minor: number;
  earned_minor: number;
  reversed_minor: number;
  balance_minor: number;
  payout_minor: number;
  carried_forward_minor: number;
  reason: string;
}
interface Report {
  period: string;
  status: string;
  closed_at?: string;
  currency: Currency;
  payable_from: string;
  payouts: Row[];
}

async function main(): Promise<number> {
  const parsed = parseTargetArgs(USAGE);
  if (!parsed) return 2;
  const [command, ...args] = parsed.positionals;
  const month = args[0];
  const shape: Record<string, number> = { close: 1, show: 1, paid: 3, owed: 0 };
  if (
    !command ||
    shape[command] !== args.length ||
    (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month))
  ) {
    console.error(USAGE);
    return 2;
  }
  const target = resolveTarget(parsed);
  const where = `${target.url}${target.remote ? ' (remote)' : ''}`;

  if (command === 'close') {
    console.log(`payouts: closing ${month} on ${where} ...`);
    const res = await call(target, `/api/admin/payouts/close?period=${month}`, { method: 'POST' });
    if (res.status !== 201) return refused(`close ${month}`, res);
    console.log(`payouts: ${month} closed; these rows are now stored and never change.`);
    printReport(res.body as Report);
    return 0;
  }
  if (command === 'show') {
    const res = await call(target, `/api/admin/payouts?period=${month}`);
    if (res.status !== 200) return refused(`show ${month}`, res);
    printReport(res.body as Report);
    return 0;
  }
  if (command === 'paid') {
    const [, handle, reference] = args;
    const res = await call(target, '/api/admin/payouts/paid', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ period: month, handle, reference }),
    });
    if (res.status !== 200) return refused(`paid ${month} ${handle}`, res);
    const body = res.body as { amount_minor: number; paid_at: string };
    console.log(
      `payouts: ${handle}'s payout for ${month} (${body.amount_minor} minor units) recorded as paid, reference ${reference}, at ${body.paid_at}`,
    );
    return 0;
  }
  const res = await call(target, '/api/admin/payouts/runs');
  if (res.status !== 200) return refused('owed', res);
  const body = res.body as {
    runs: {
      period: string;
      closed_at: string;
      payable_minor: number;
      paid_minor: number;
      owed_minor: number;
    }[];
    owed: { period: string; handle: string; payout_minor: number }[];
  };
  console.log('closed month  closed at                 payable      paid      owed   (minor units)');
  for (const r of body.runs)
    console.log(
      `${r.period}       ${r.closed_at}  ${pad(r.payable_minor)} ${pad(r.paid_minor)} ${pad(r.owed_minor)}`,
    );
  console.log(body.owed.length === 0 ? 'nothing owed' : 'owed (payable, not yet marked paid):');
  for (const o of body.owed) console.log(`  ${o.period}  ${o.handle.padEnd(30)} ${pad(o.payout_minor)}`);
  return 0;
}

async function call(
  target: Target,
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  const res = await post(`${target.url}${path}`, {
    ...init,
    headers: { ...init.headers, authorization: `Bearer ${target.secret('ADMIN_TOKEN')}` },
  });
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: text.slice(0, 200) };
  }
}

function refused(what: string, res: { status: number; body: unknown }): number {
  const body = res.body;
  const error =
    typeof body === 'object' && body !== null && 'error' in body ? String(body.error) : String(body);
  console.error(`payouts: ${what} refused (${res.status}): ${error}`);
  return 1;
}

function pad(n: number): string {
  return String(n).padStart(9);
}

function printReport(report: Report): void {
  const money = (minor: number) => formatMoney(minor, report.currency);
  console.log(
    `${report.period}: ${report.status}${report.closed_at ? ` at ${report.closed_at}` : ''}, payable from ${report.payable_from}`,
  );
  for (const p of report.payouts)
    console.log(
      `  ${p.handle.padEnd(24)} carried ${money(p.carried_in_minor).padStart(11)}  adjustment ${money(p.adjustment_minor).padStart(11)}  ` +
        `earned ${money(p.earned_minor).padStart(11)}  reversed ${money(p.reversed_minor).padStart(11)}  ` +
        `pay ${money(p.payout_minor).padStart(11)}  carry ${money(p.carried_forward_minor).padStart(11)}  ${p.reason.replace(/_/g, ' ')}`,
    );
  const total = report.payouts.reduce((s, p) => s + p.payout_minor, 0);
  const payable = report.payouts.filter((p) => p.payout_minor > 0).length;
  const carried = report.payouts.reduce((s, p) => s + p.carried_forward_minor, 0);
  console.log(
    `summary: ${report.payouts.length} creators, ${payable} to pay, ${money(total)} in all; ${money(carried)} carried forward`,
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
