/**
 * `npm run bench:import`: an Amazon Fee-Earnings report of --rows N rows (default
 * 100,000) imported end to end as an operator does it: `npm run import:amazon`
 * (scripts/import-amazon.ts: the file in 1 MiB parts to one import session, one
 * commit) against `wrangler dev` with a fresh local D1 (the real app from source,
 * bench/orders-worker.ts). Then the ledger is checked against the file itself:
 * per tracking id, the net Ad Fees of the ledger's statement entries equal the sum
 * of the file's rows for every credited tracking id, unattributed tracking ids have
 * no ledger entries, and the recorded key changes sum to the file's totals. A second
 * import of the same file must post nothing. Target: under 60 s for 100,000 rows.
 * Flags: --rows N.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgramTable, type ProgramTable } from '../domain/orders/program-table.ts';
import { creditBook } from '../domain/orders/crediting.ts';
import { earningsFile, type EarningsRow } from '../scripts/lib/fixtures/amazon-report-writer.ts';
import { BENCH_SECRETS, sampleContent, tempDir, writeBenchEnv } from './lib/built-site.ts';
import { ROOT, runCommand, toolEnv } from '../scripts/lib/harness/process.ts';
import { queryLocalD1 } from '../scripts/lib/harness/d1.ts';
import { writeRouteTable } from '../build/write-route-table.ts';
import { fmt, log, options, round, row, runBenchmark } from './lib/report.ts';
import { MIGRATED_D1, startTarget, writeConfig } from './lib/targets.ts';
import { rng } from '../scripts/lib/orders/seed-history.ts';

const { rows: ROWS } = options({ rows: 100_000 });
const [TARGET_SECONDS, FROM, TO] = [60, '2026-10-01', '2026-10-31'];

/** Deterministic rows: approved members' and unknown tracking ids, 31 days, 2,000 ASINs, some repeated rows. */
function makeRows(trackingIds: readonly string[]): EarningsRow[] {
  const rows: EarningsRow[] = [];
  const rand = rng(42).next;
  const next = (n: number) => Math.floor(rand() * n);
  for (let i = 0; i < ROWS; i++) {
    const previous = rows.at(-1);
    // One row in 20 repeats the previous row's key (two real orders of one line on one day).
    if (previous && next(20) === 0) {
      rows.push({ ...previous, name: `${previous.name} (again)` });
      continue;
    }
    const [price, shipped] = [500 + next(20_000), next(8) === 0 ? 0 : 1 + next(3)];
    const [returned, bonus] = [next(10) === 0 ? 1 : 0, next(50) === 0 ? 250 : 0];
    // prettier-ignore
    rows.push({
      category: ['Kitchen', 'Books', 'Beauty', 'Video Games'][next(4)] ?? 'Kitchen', name: `Product ${i % 2000}, "quoted" – crème`,
      asin: `B${String(next(2000)).padStart(9, '0')}`, tracking_id: trackingIds[next(trackingIds.length)] ?? 'nobody-20',
      day: `2026-10-${String(1 + next(31)).padStart(2, '0')}`, price_minor: price, shipped, returned,
      fee_minor: Math.round(((shipped - returned) * price * (100 + next(900))) / 10_000) + bonus,
    });
  }
  return rows;
}

await runBenchmark('import', { rows: ROWS }, async () => {
  const [content, dir] = [sampleContent(), tempDir('import')];
  const table = buildProgramTable(content);
  const rows = makeRows([...table.credit.map((m) => m.tracking_id), 'nobody-20']);
  const file = join(dir, 'fee-earnings-100k.csv');
  const bytes = earningsFile(rows, { title: { from: FROM, to: TO }, encoding: 'windows-1252' });
  writeFileSync(file, bytes);
  log(`> ${fmt(rows.length)} rows, ${fmt(bytes.byteLength / 2 ** 20, 1)} MiB (Windows-1252)`);

  const worker = join(ROOT, 'bench', 'orders-worker.ts');
  const config = writeConfig(join(dir, 'wrangler.json'), 'import', worker, MIGRATED_D1);
  writeRouteTable(content); // the generated tables the worker imports, from the same content
  const ready = { name: 'import', dir, envFile: writeBenchEnv(dir), readyPath: '/healthz', logLevel: 'warn' };
  const dev = await startTarget('dev', config, ready);
  const run = async () => {
    const started = Date.now();
    const env = toolEnv({ ADMIN_TOKEN: BENCH_SECRETS.ADMIN_TOKEN! });
    const argv = ['scripts/import-amazon.ts', file, '--url', dev.url, '--by', 'bench'];
    const result = await runCommand('node', argv, { cwd: ROOT, timeoutMs: 600_000, env });
    if (result.code !== 0) throw new Error(`import:amazon failed: ${result.stderr}${result.stdout}`);
    log(result.stdout.trim());
    return { seconds: (Date.now() - started) / 1000, stdout: result.stdout };
  };
  const [first, second] = [await run(), await run(), await dev.stop()];
  const check = checkLedger(dev.persistTo, rows, table);
  const reimportClean = /posted: 0 added .*, 0 changed .*, 0 reversed/.test(second.stdout);
  const ok = check.mismatches.length === 0 && reimportClean;
  const net = `${fmt(check.net)} minor units`;
  // prettier-ignore
  return {
    ok,
    figures: [
      row(`import:amazon, ${fmt(ROWS)}-row Fee-Earnings file`, round(first.seconds, 1), 's', undefined, `< ${TARGET_SECONDS}`, first.seconds < TARGET_SECONDS),
      row('same file again (posts nothing)', round(second.seconds, 1), 's', reimportClean ? 'no changes' : 'changes posted'),
      row('statement keys', check.keys),
      row('ledger net Ad Fees = file (credited tracking ids)', check.mismatches.length === 0 ? 'equal' : 'differs', undefined, net),
    ],
    ...(ok ? {} : { error: check.mismatches.join('; ') || 'the second import posted changes' }),
  };
});

/** The ledger and the recorded changes against the file's own sums. */
function checkLedger(persistTo: string, rows: readonly EarningsRow[], table: ProgramTable) {
  const book = creditBook(table.credit, table.default_retailer);
  const [want, got] = [new Map<string, number>(), new Map<string, number>()];
  const add = (sums: Map<string, number>, tag: string, n: number) => sums.set(tag, (sums.get(tag) ?? 0) + n);
  const fileTotal = rows.reduce((sum, r) => sum + r.fee_minor, 0);
  for (const r of rows)
    if (book.creditOn(table.default_retailer, r.tracking_id, r.day)) add(want, r.tracking_id, r.fee_minor);
  const query = (sql: string) => queryLocalD1(persistTo, sql);
  const byOrder =
    "SELECT order_id, SUM(amount_minor) AS net FROM ledger_entries WHERE order_id LIKE 'amzs:%'";
  for (const row of query(`${byOrder} GROUP BY order_id`))
    add(got, String(row.order_id).split(':')[2] ?? '', Number(row.net));
  const mismatches: string[] = [];
  for (const tag of new Set([...want.keys(), ...got.keys()]))
    if ((want.get(tag) ?? 0) !== (got.get(tag) ?? 0))
      mismatches.push(`${tag}: ledger ${got.get(tag) ?? 0}, file ${want.get(tag) ?? 0}`);
  const [changes] = query(
    'SELECT SUM(fee_minor) AS fee, COUNT(DISTINCT key_id) AS keys FROM amazon_key_changes',
  );
  if (Number(changes?.fee) !== fileTotal)
    mismatches.push(`recorded changes ${String(changes?.fee)}, file ${fileTotal}`);
  return { mismatches, keys: Number(changes?.keys), net: [...got.values()].reduce((s, v) => s + v, 0) };
}
