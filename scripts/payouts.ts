/**
 * `npm run payouts -- <command> (--local | --remote | --url <base>)`: the month-end
 * routine against the worker's payout endpoints (one implementation, the same
 * checks as the admin console). Where it acts is always named (CONTRACT.md
 * section 13): --local is http://localhost:8787 with ADMIN_TOKEN from .dev.vars;
 * --remote is SHOPFRONT_URL (or --url) with ADMIN_TOKEN from the environment;
 * --url alone is that base with ADMIN_TOKEN from the environment or .dev.vars.
 * The target is printed before the request and again with its outcome.
 *
 *   close YYYY-MM                      freeze a month's payout rows (prints them)
 *   show YYYY-MM                       a month: closed (as stored) or open (as of now)
 *   paid YYYY-MM <handle> <reference>  record that a closed month's payout was sent
 *        [--currency XXX]              (names the row's currency when the member has several)
 *   owed                               closed months and every payable row not yet paid (all pages)
 *
 * See docs/orders.md, "Month end".
 */
import { formatMoney } from '../domain/money.ts';
import { isCurrency } from '../domain/currency.ts';
import {
  describeTarget,
  namedTarget,
  parseArgsOrUsage,
  post,
  TARGET_OPTIONS,
  type Target,
} from './lib/orders/target.ts';

const WHERE = '(--local | --remote | --url <base>)';
const USAGE = `usage: npm run payouts -- close YYYY-MM ${WHERE}
       npm run payouts -- show YYYY-MM ${WHERE}
       npm run payouts -- paid YYYY-MM <handle> <reference> [--currency XXX] ${WHERE}
       npm run payouts -- owed ${WHERE}`;

interface Row {
  handle: string;
  currency?: string;
  carried_in_minor: number;
  adjustment_minor: number;
  earned_minor: number;
  reversed_minor: number;
  payout_minor: number;
  carried_forward_minor: number;
  reason: string;
}
interface Report {
  period: string;
  status: string;
  closed_at?: string;
  currency: string;
  payable_from: string;
  payouts: Row[];
}
interface RunsPage {
  runs: {
    period: string;
    closed_at: string;
    currency?: string;
    payable_minor: number;
    paid_minor: number;
    owed_minor: number;
  }[];
  owed: { period: string; handle: string; currency?: string; payout_minor: number }[];
  owed_rows?: number;
  next?: string | null;
}

type Args = { command: string; args: string[]; currency?: string; target: Target };

function parse(): Args | null {
  const parsed = parseArgsOrUsage(
    { allowPositionals: true, options: { ...TARGET_OPTIONS, currency: { type: 'string' } } },
    USAGE,
  );
  if (!parsed) return null;
  const [command, ...args] = parsed.positionals;
  const shape: Record<string, number> = { close: 1, show: 1, paid: 3, owed: 0 };
  const month = args[0];
  const { currency } = parsed.values;
  if (
    !command ||
    shape[command] !== args.length ||
    (month !== undefined && !/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) ||
    (currency !== undefined && (command !== 'paid' || !isCurrency(currency)))
  ) {
    console.error(USAGE);
    return null;
  }
  const named = namedTarget(parsed.values);
  if (!named.ok) {
    console.error(`payouts: ${named.message}\n${USAGE}`);
    return null;
  }
  return { command, args, currency, target: named.target };
}

async function main(): Promise<number> {
  const parsed = parse();
  if (!parsed) return 2;
  const where = describeTarget(parsed.target);
  console.log(`payouts: ${parsed.command} on ${where}`);
  let code: number;
  try {
    code = await run(parsed);
  } catch (error) {
    console.error(`payouts: ${error instanceof Error ? error.message : String(error)}`);
    code = 1;
  }
  console.log(`payouts: ${parsed.command} ${code === 0 ? 'done' : 'refused'} on ${where}`);
  return code;
}

async function run({ command, args, currency, target }: Args): Promise<number> {
  const [month] = args;
  if (command === 'close') {
    const res = await call(target, `/api/admin/payouts/close?period=${month}`, { method: 'POST' });
    if (res.status !== 201 && res.status !== 200) return refused(`close ${month}`, res);
    const report = res.body as Report;
    console.log(
      res.status === 201
        ? `payouts: ${month} closed; these rows are now stored and never change.`
        : `payouts: ${month} was already closed at ${report.closed_at ?? '?'}; its stored rows:`,
    );
    printReport(report);
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
      body: JSON.stringify({ period: month, handle, ...(currency ? { currency } : {}), reference }),
    });
    if (res.status !== 200) return refused(`paid ${month} ${handle}`, res);
    const body = res.body as { amount_minor: number; currency?: string; paid_at: string };
    console.log(
      `payouts: ${handle}'s payout for ${month} (${body.amount_minor} minor units${body.currency ? ` ${body.currency}` : ''}) recorded as paid, reference ${reference}, at ${body.paid_at}`,
    );
    return 0;
  }
  return owed(target);
}

/** Every closed month and every owed row, page after page: nothing is left off. */
async function owed(target: Target): Promise<number> {
  let after: string | null = null;
  let listed = 0;
  for (let page = 0; ; page++) {
    const query: string = after === null ? '' : `?after=${encodeURIComponent(after)}`;
    const res = await call(target, `/api/admin/payouts/runs${query}`);
    if (res.status !== 200) return refused('owed', res);
    const body = res.body as RunsPage;
    if (page === 0) {
      console.log(
        'closed month  closed at                 cur    payable      paid      owed   (minor units)',
      );
      for (const r of body.runs)
        console.log(
          `${r.period}       ${r.closed_at}  ${(r.currency ?? '').padEnd(3)} ${pad(r.payable_minor)} ${pad(r.paid_minor)} ${pad(r.owed_minor)}`,
        );
      console.log(body.owed.length === 0 ? 'nothing owed' : 'owed (payable, not yet marked paid):');
    }
    for (const o of body.owed)
      console.log(
        `  ${o.period}  ${o.handle.padEnd(30)} ${(o.currency ?? '').padEnd(3)} ${pad(o.payout_minor)}`,
      );
    listed += body.owed.length;
    after = body.next ?? null;
    if (after === null) break;
  }
  if (listed > 0) console.log(`${listed} owed rows in all`);
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
  const money = (minor: number, currency: string) =>
    isCurrency(currency) ? formatMoney(minor, currency) : `${minor} ${currency}`;
  console.log(
    `${report.period}: ${report.status}${report.closed_at ? ` at ${report.closed_at}` : ''}, payable from ${report.payable_from}`,
  );
  const totals = new Map<string, { pay: number; carried: number; payable: number }>();
  for (const p of report.payouts) {
    const currency = p.currency ?? report.currency;
    const m = (minor: number) => money(minor, currency).padStart(11);
    console.log(
      `  ${p.handle.padEnd(24)} ${currency} carried ${m(p.carried_in_minor)}  adjustment ${m(p.adjustment_minor)}  ` +
        `earned ${m(p.earned_minor)}  reversed ${m(p.reversed_minor)}  ` +
        `pay ${m(p.payout_minor)}  carry ${m(p.carried_forward_minor)}  ${p.reason.replace(/_/g, ' ')}`,
    );
    const t = totals.get(currency) ?? { pay: 0, carried: 0, payable: 0 };
    totals.set(currency, {
      pay: t.pay + p.payout_minor,
      carried: t.carried + p.carried_forward_minor,
      payable: t.payable + (p.payout_minor > 0 ? 1 : 0),
    });
  }
  const parts = [...totals].map(
    ([c, t]) => `${t.payable} to pay, ${money(t.pay, c)} in all; ${money(t.carried, c)} carried forward`,
  );
  console.log(
    `summary: ${report.payouts.length} creators, ${parts.length > 0 ? parts.join('; ') : '0 to pay'}`,
  );
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
