/**
 * `POST /api/admin/import/amazon` (admin token, CSV body up to 5 MiB): an Amazon
 * Associates report (Fee-Earnings, Fee-Orders, or shopfront's order export)
 * becomes the same events a webhook delivers. The whole file is checked first; one
 * bad row and nothing is stored (400 listing every bad row and column); an unknown
 * header set is a 422 naming its columns. Event ids come from the rows' content,
 * so importing the same file again stores nothing new. A Fee-Earnings answer
 * carries the reconciliation of Amazon's Ad Fees against the rate tables.
 */
import { Hono } from 'hono';
import { parseAmazonReport, reportEventId, type RowIssue } from '../../domain/orders/amazon-report.ts';
import { admissionIssues, type IncomingEvent } from '../../domain/orders/apply.ts';
import { requireAdmin } from '../auth/admin.ts';
import type { AppEnv } from '../env.ts';
import { problem } from '../lib/problem.ts';
import { decodeUtf8, limitBody } from '../lib/body.ts';
import { program } from './program.ts';
import { applyEvents, StoreUnavailableError } from './store.ts';

export const MAX_REPORT_BYTES = 5 * 1024 * 1024;
export const MAX_REPORT_ROWS = 5_000;

const ADMISSION_COLUMNS: Record<string, string> = {
  currency: 'Price($)',
  ordered_at: 'Order Date',
  retailer: '(file)',
};

const sizeLimit = limitBody(MAX_REPORT_BYTES, 'report exceeds 5 MiB; split it into smaller files');

export const reportImport = new Hono<AppEnv>().post('/amazon', requireAdmin, sizeLimit, async (c) => {
  const text = decodeUtf8(new Uint8Array(await c.req.arrayBuffer()));
  if (text === null)
    return problem(400, 'report is not UTF-8', [{ path: '(body)', message: 'save the CSV as UTF-8' }]);

  const parsed = parseAmazonReport(text, program.table);
  if (!parsed.ok) return invalid(parsed.issues, parsed.status);
  if (parsed.rows.length > MAX_REPORT_ROWS)
    return problem(413, `report has ${parsed.rows.length} rows; import at most ${MAX_REPORT_ROWS} per file`);
  const dateColumn = {
    'fee-earnings': 'Date Shipped',
    'fee-orders': 'Date',
    'shopfront-orders': 'Order Date',
  }[parsed.layout];
  const issues: RowIssue[] = parsed.rows.flatMap((r) =>
    admissionIssues(r.event, program).map((i) => ({
      row: r.row,
      field: i.path === 'ordered_at' ? dateColumn : (ADMISSION_COLUMNS[i.path] ?? i.path),
      message: i.message,
    })),
  );
  if (issues.length > 0) return invalid(issues);

  const now = Date.now();
  const events: IncomingEvent[] = await Promise.all(
    parsed.rows.map(async (r) => ({
      event_id: await reportEventId(r),
      source: 'amazon_report' as const,
      body: JSON.stringify(r.raw),
      received_at: now,
      event: r.event,
    })),
  );
  try {
    const outcomes = await applyEvents(c.env.DB, program, events);
    const count = (status: string) => [...outcomes.values()].filter((o) => o === status).length;
    const unattributed = new Set(
      events.filter((e) => outcomes.get(e.event_id) === 'unattributed').map((e) => e.event.tracking_id),
    );
    // Events refused for what their line already holds (past 10,000 of a kind): listed, the rest applied.
    const rejected = parsed.rows.flatMap((r, i) => {
      const outcome = outcomes.get(events[i]?.event_id ?? '');
      return typeof outcome === 'object'
        ? outcome.issues.map((issue) => ({
            path: `row ${r.row}, ${issue.path}`,
            message: issue.message,
            row: r.row,
          }))
        : [];
    });
    return c.json({
      status: 'imported',
      layout: parsed.layout,
      rows: parsed.lines,
      events: events.length,
      processed: count('processed'),
      duplicate: count('duplicate'),
      unattributed: count('unattributed'),
      rejected,
      unattributed_tracking_ids: [...unattributed].sort(),
      reconciliation: parsed.reconciliation,
    });
  } catch (error) {
    if (!(error instanceof StoreUnavailableError)) throw error;
    console.error(JSON.stringify({ event: 'orders.import_store_unavailable', error: error.message }));
    // Rows stored before the failure stay; importing the file again completes it without doubling anything.
    return problem(503, 'order store unavailable; import the same file again later', undefined, {
      'Retry-After': '30',
    });
  }
});

function invalid(issues: readonly RowIssue[], status: 400 | 422 = 400): Response {
  return problem(
    status,
    status === 422 ? 'unknown report layout: nothing was imported' : 'invalid report: nothing was imported',
    issues.map((i) => ({
      path: i.row ? `row ${i.row}, ${i.field}` : i.field,
      message: i.message,
      row: i.row,
      field: i.field,
    })),
  );
}
