/**
 * `npm run import:amazon -- <report> (--local | --remote | --url <origin>) [--marketplace <id>]
 *  [--from <day> --to <day>] [--whole-account] [--dry-run] [--by <name>]`
 *
 * Sends an Associates Central report (Fee-Earnings, Fee-Orders, or shopfront's order
 * export) to the worker, which does all the work (one implementation, the same
 * checks as in production): the file's bytes go in parts to one import session,
 * then one commit imports it as one statement (docs/orders.md). With --dry-run the
 * commit only answers what would be added, changed and reversed.
 *
 * The target is never implied: --local (http://localhost:8787, secrets from
 * .dev.vars), --remote (SHOPFRONT_URL, secrets from the environment) or --url
 * <origin>; the first line printed names it.
 */
import { readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgsOrUsage, post, resolveTarget, TARGET_OPTIONS, type Target } from './lib/orders/target.ts';
import { progress } from './lib/progress.ts';

const USAGE =
  'usage: npm run import:amazon -- <report.csv> (--local | --remote | --url <origin>) [--marketplace <id>] ' +
  '[--from YYYY-MM-DD --to YYYY-MM-DD] [--whole-account] [--dry-run] [--by <name>]';

interface Args {
  file: string;
  target: { remote: boolean; url?: string; label: string };
  fields: Record<string, string | boolean>;
  dryRun: boolean;
}

/** The arguments, or null after printing why they do not parse (exit 2). */
export function parseImportArgs(argv: readonly string[]): Args | null {
  const parsed = parseArgsOrUsage(
    {
      args: [...argv],
      allowPositionals: true,
      options: {
        ...TARGET_OPTIONS,
        marketplace: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        'whole-account': { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        by: { type: 'string' },
      },
    },
    USAGE,
  );
  if (!parsed) return null;
  const { positionals, values: v } = parsed;
  const [file, ...rest] = positionals;
  const targets = [v.local, v.remote, v.url !== undefined && !v.remote].filter(Boolean).length;
  if (!file || rest.length > 0 || targets !== 1) {
    if (targets !== 1) console.error('name exactly one target: --local, --remote or --url <origin>');
    console.error(USAGE);
    return null;
  }
  const fields: Record<string, string | boolean> = {
    file_name: basename(file),
    by: v.by ?? process.env.USER ?? 'admin',
  };
  if (v.marketplace) fields.marketplace = v.marketplace;
  if (v.from) fields.from = v.from;
  if (v.to) fields.to = v.to;
  if (v['whole-account']) fields.whole_account = true;
  const label = v.local ? 'local worker' : v.remote ? 'REMOTE (production) worker' : 'worker';
  return { file, target: { remote: v.remote, url: v.url, label }, fields, dryRun: v['dry-run'] };
}

async function main(): Promise<number> {
  const args = parseImportArgs(process.argv.slice(2));
  if (!args) return 2;
  let body: Uint8Array<ArrayBuffer>;
  try {
    if (!statSync(args.file).isFile()) throw new Error('not a file');
    body = new Uint8Array(readFileSync(args.file));
  } catch (error) {
    console.error(`${args.file}: cannot read (${error instanceof Error ? error.message : String(error)})`);
    return 1;
  }
  const target = resolveTarget(args.target);
  console.log(
    `import:amazon: target ${args.target.label} ${target.url}${args.dryRun ? ' (dry run: nothing is stored)' : ''}`,
  );
  const send = sender(target);
  const session = await send(
    'POST',
    '/api/admin/import/amazon/sessions',
    JSON.stringify(args.fields),
    'application/json',
  );
  if (!session.ok) return refused(args.file, session);
  const { session_id: id, part_max_bytes: partBytes } = session.body;
  if (typeof id !== 'string' || typeof partBytes !== 'number') throw new Error('unexpected session answer');
  const bar = progress(`import:amazon ${args.file}`, body.byteLength, 'bytes');
  let answer: Answer;
  let seconds: number;
  try {
    for (let part = 0, at = 0; at < body.byteLength || part === 0; part++, at += partBytes) {
      const chunk = body.subarray(at, at + partBytes);
      const sent = await send(
        'PUT',
        `/api/admin/import/amazon/sessions/${id}/parts/${part}`,
        chunk,
        'application/octet-stream',
      );
      if (!sent.ok) return refused(args.file, sent);
      bar.tick(chunk.byteLength, 'sending');
    }
    bar.tick(0, 'the worker is checking the report');
    answer = await send(
      'POST',
      `/api/admin/import/amazon/sessions/${id}/commit${args.dryRun ? '?dry_run=1' : ''}`,
    );
  } finally {
    seconds = bar.stop();
  }
  if (!answer.ok) return refused(args.file, answer);
  printAnswer(args.file, answer.body, seconds);
  return 0;
}

type Answer =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; status: number; body: Record<string, unknown> | null; text: string };

function sender(target: Target) {
  return async (
    method: string,
    path: string,
    body?: string | Uint8Array<ArrayBuffer>,
    type?: string,
  ): Promise<Answer> => {
    const res = await post(`${target.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${target.secret('ADMIN_TOKEN')}`,
        ...(type ? { 'content-type': type } : {}),
      },
      ...(body === undefined ? {} : { body }),
    });
    const text = await res.text();
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = null;
    }
    const record = isRecord(parsed) ? parsed : null;
    return res.ok && record
      ? { ok: true, body: record }
      : { ok: false, status: res.status, body: record, text };
  };
}

function printAnswer(file: string, a: Record<string, unknown>, seconds: number): void {
  if (a.layout === 'shopfront-orders') {
    const preview = a.status === 'preview';
    console.log(
      `${file}: shopfront order export${preview ? ' (preview, nothing stored)' : ''}, ${String(a.rows)} rows: ` +
        `${preview ? 'would be ' : ''}${String(a.processed ?? 0)} new events, ` +
        `${String(a.duplicate ?? 0)} already imported, ${String(a.unattributed ?? 0)} unattributed (${seconds} s)`,
    );
    printRejected(a);
    return;
  }
  const kind = (k: string) => {
    const s = isRecord(a[k]) ? a[k] : {};
    return `${String(s.keys ?? 0)} ${k} (${String(s.fee_minor ?? 0)} minor units of Ad Fees)`;
  };
  const coverage = isRecord(a.coverage) ? a.coverage : {};
  const ids = Array.isArray(coverage.tracking_ids)
    ? `${coverage.tracking_ids.length} tracking ids`
    : 'the whole account';
  console.log(
    `${file}: ${String(a.layout)} statement ${a.statement_id === null ? '(preview)' : `#${String(a.statement_id)}`} of ${String(a.marketplace)}, ` +
      `${String(coverage.from)} to ${String(coverage.to)}, ${ids}; ${String(a.rows)} rows, ${String(a.keys)} keys (${seconds} s)`,
  );
  console.log(
    `  ${a.status === 'preview' ? 'would post' : 'posted'}: ${kind('added')}, ${kind('changed')}, ${kind('reversed')}; ${String(a.unchanged)} unchanged`,
  );
  for (const c of Array.isArray(a.changes) ? a.changes.slice(0, 20) : [])
    if (isRecord(c) && isRecord(c.before) && isRecord(c.after))
      console.log(
        `  ${String(c.kind)} ${String(c.day)} ${String(c.tracking_id)} ${String(c.asin)}: Ad Fees ${String(c.before.fee_minor)} -> ${String(c.after.fee_minor)}`,
      );
  printRejected(a);
  const unattributed = isRecord(a.unattributed) ? a.unattributed : {};
  if (Array.isArray(unattributed.tracking_ids) && unattributed.tracking_ids.length > 0)
    console.log(`  unattributed (kept for admins): ${unattributed.tracking_ids.join(', ')}`);
  const rec = isRecord(a.reconciliation) ? a.reconciliation : null;
  if (rec && isRecord(rec.total))
    console.log(
      `  reconciliation (a report; the ledger records Amazon's Ad Fees): Amazon ${String(rec.total.reported_minor)}, ` +
        `rate tables ${String(rec.total.expected_minor)}, difference ${String(rec.total.difference_minor)} minor units`,
    );
}

/** Rows the import left out (another marketplace's, or refused for their order), one line each. */
function printRejected(a: Record<string, unknown>): void {
  const rejected = Array.isArray(a.rejected) ? a.rejected.filter(isRecord) : [];
  if (rejected.length === 0) return;
  const rest = a.status === 'preview' ? 'the rest would be imported' : 'the rest imported';
  console.log(`  left out (${rejected.length + Number(a.rejected_more ?? 0)} rows; ${rest}):`);
  for (const issue of rejected) console.log(`    ${String(issue.path)}: ${String(issue.message)}`);
  if (Number(a.rejected_more ?? 0) > 0) console.log(`    ... and ${Number(a.rejected_more)} more`);
}

function refused(file: string, answer: Extract<Answer, { ok: false }>): number {
  const error = answer.body ? String(answer.body.error) : answer.text.slice(0, 200);
  console.error(`${file}: import refused (${answer.status}): ${error}`);
  if (answer.body && Array.isArray(answer.body.issues))
    for (const issue of answer.body.issues)
      if (isRecord(issue)) console.error(`  ${file}: ${String(issue.path)}: ${String(issue.message)}`);
  return 1;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

if (import.meta.main)
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
