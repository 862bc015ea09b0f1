/**
 * The admin console's report import form (site/pages/dashboard/admin/index.astro, "Import
 * an Amazon Associates report"), without any script. The form calls the same service as
 * `POST /api/admin/import/amazon` (statement-import.ts `importFile`), never the route and
 * never with a token: the page is no second implementation of an import, and the answer
 * is the service's typed result, rendered here as one message and its details.
 *
 * Order of checks for a posted form (the page has already read the admin session):
 *   1. not signed in as the admin                -> 403, nothing read
 *   2. cross-site post (Sec-Fetch-Site / Origin) -> 403, nothing read
 *   3. form: a file or pasted text               -> 400 "choose a report"
 *   4. over MAX_SINGLE_BYTES                     -> 413 naming the CLI that sends parts
 *   5. the service's checks (fields, file, legacy days, currency) -> its message, issues
 *      and status (each refusal a reason, its status from worker/lib/reasons.ts)
 * `action=preview` is the service's dry run: nothing stored.
 */
import { formatMoney } from '../../domain/money.ts';
import { isCurrency } from '../../domain/currency.ts';
import { STATUS_OF, type Reason } from '../lib/reasons.ts';
import { adminPostRefusal } from '../lib/form-posts.ts';
import { readSmallForm } from '../lib/body.ts';
import {
  importFile,
  MAX_SINGLE_BYTES,
  type EventsAnswer,
  type ImportOutcome,
  type StatementAnswer,
} from './statement-import.ts';

/** What the page shows above the form, and the status it answers with. */
export interface ImportView {
  ok: boolean;
  status: number;
  message: string;
  /** The listed changes, or each refused field or cell (`path: message`). */
  details: string[];
}

/** Checks 1 and 2 of the header, before anything of the request is read; `null` when it may go on. */
export function importPostRefusal(request: Request, isAdmin: boolean): ImportView | null {
  const refusal = adminPostRefusal(request, isAdmin);
  return refusal === null ? null : refused('forbidden', refusal);
}

/** A posted import form, checked in the order of the header (the page's own request). */
export async function importFormAnswer(
  env: Pick<Env, 'DB'>,
  request: Request,
  isAdmin: boolean,
): Promise<ImportView> {
  const refusal = importPostRefusal(request, isAdmin);
  if (refusal) return refusal;
  const form = await readConsoleForm(request);
  return form instanceof FormData ? importFromForm(env, form) : form;
}

/** A report file and a pasted report at MAX_SINGLE_BYTES each, and the form's other fields. */
const MAX_FORM_BYTES = 2 * MAX_SINGLE_BYTES + 64 * 1024;
const TOO_LARGE = `The report exceeds ${MAX_SINGLE_BYTES / 1024 / 1024} MiB: send it in parts with npm run import:amazon.`;

/** The console's posted form, read at most MAX_FORM_BYTES (after checks 1 and 2), or its refusal. */
export async function readConsoleForm(request: Request): Promise<FormData | ImportView> {
  const form = await readSmallForm(request, MAX_FORM_BYTES);
  if (form === 'too_large') return refused('body_too_large', TOO_LARGE);
  if (form === 'unreadable')
    return refused('invalid', 'The form could not be read. Send it again from this page.');
  return form;
}

/**
 * Checks 3 to 5 of a form already read after checks 1 and 2 (the page reads its form once
 * for all its forms). The file's bytes as uploaded, never file.text(): a Windows-1252
 * export stays readable.
 */
export async function importFromForm(env: Pick<Env, 'DB'>, form: FormData): Promise<ImportView> {
  const file = form.get('report');
  const hasFile = file instanceof File && file.size > 0;
  const pasted = form.get('csv');
  const text = typeof pasted === 'string' ? pasted : '';
  if (!hasFile && !text.trim()) return refused('invalid', 'Choose a report file or paste the report.');
  if (hasFile && file.size > MAX_SINGLE_BYTES) return refused('body_too_large', TOO_LARGE);
  const bytes = hasFile ? new Uint8Array(await file.arrayBuffer()) : new TextEncoder().encode(text);
  const fields: Record<string, string> = {};
  for (const name of ['marketplace', 'from', 'to'] as const) {
    const value = form.get(name);
    if (typeof value === 'string' && value.trim()) fields[name] = value.trim();
  }
  if (form.get('whole_account')) fields.whole_account = '1';
  if (form.get('action') === 'preview') fields.dry_run = '1';
  if (hasFile && file.name) fields.file_name = file.name.slice(0, 200);
  return viewOf(await importFile(env.DB, bytes, fields));
}

function refused(reason: Reason, message: string, details: string[] = []): ImportView {
  return { ok: false, status: STATUS_OF[reason], message, details };
}

/** The service's typed outcome as the page shows it. */
export function viewOf(outcome: ImportOutcome): ImportView {
  if (!outcome.ok)
    return refused(
      outcome.reason,
      outcome.message,
      (outcome.issues ?? []).map((i) => `${i.path}: ${i.message}`),
    );
  if (outcome.kind === 'statement') return statementView(outcome.answer);
  if (outcome.kind === 'events') return eventsView(outcome.answer);
  return {
    ok: true,
    status: 200,
    message: 'This import was committed before: nothing changed.',
    details: [],
  };
}

function statementView(r: StatementAnswer): ImportView {
  const money = (minor: number) =>
    isCurrency(r.currency) ? formatMoney(minor, r.currency) : `${minor} ${r.currency}`;
  const rec = r.reconciliation;
  const kind = (k: 'added' | 'changed' | 'reversed') => `${r[k].keys} ${k} (${money(r[k].fee_minor)})`;
  const preview = r.status === 'preview';
  const covers =
    r.coverage.tracking_ids === 'all'
      ? 'the whole account'
      : `${r.coverage.tracking_ids.length} tracking ids`;
  return {
    ok: true,
    status: 200,
    message:
      `${preview ? 'Preview (nothing stored)' : 'Imported'}: a ${r.layout} statement for ${r.coverage.from} to ${r.coverage.to} ` +
      `(${covers}), read as ${r.encoding}, ${r.rows} rows, ${r.keys} keys. ` +
      `${preview ? 'Would post' : 'Posted'}: ${kind('added')}, ${kind('changed')}, ${kind('reversed')}; ${r.unchanged} unchanged.` +
      (r.unattributed.keys > 0 ? ` Unattributed: ${r.unattributed.tracking_ids.join(', ')}.` : '') +
      leftOut(r.rejected.length + r.rejected_more) +
      (rec
        ? ` Reconciliation (a report only): Amazon's Ad Fees ${money(rec.total.reported_minor)}, rate tables ${money(rec.total.expected_minor)}, difference ${money(rec.total.difference_minor)}.`
        : ''),
    details: [
      ...r.rejected.map((i) => `${i.path}: ${i.message}`),
      ...(r.rejected_more > 0 ? [`${r.rejected_more} more rows left out`] : []),
      ...r.changes.map(
        (c) =>
          `${c.kind} ${c.day} ${c.tracking_id} ${c.asin}: ${money(c.before.fee_minor)} → ${money(c.after.fee_minor)}`,
      ),
      ...(r.changes_more > 0 ? [`${r.changes_more} more changes`] : []),
    ],
  };
}

/** Rows left out as another marketplace's (a statement's `rejected`, an export's `left_out`), when there are some. */
function leftOut(rows: number): string {
  return rows === 0
    ? ''
    : ` Left out: ${rows} ${rows === 1 ? 'row' : 'rows'} of another marketplace (listed below).`;
}

function eventsView(r: EventsAnswer): ImportView {
  const preview = r.status === 'preview';
  return {
    ok: true,
    status: 200,
    message:
      `${preview ? 'Preview (nothing stored)' : 'Imported'}: a shopfront order export, ${r.rows} rows, ${r.events} events: ` +
      `${preview ? 'would be ' : ''}${r.processed} new, ${r.duplicate} already imported, ${r.unattributed} unattributed.` +
      leftOut(r.left_out.rows),
    details: [
      ...r.rejected.map((i) => `${i.path}: ${i.message}`),
      ...(r.rejected_more > 0 ? [`${r.rejected_more} more refused`] : []),
    ],
  };
}
