/**
 * Errors at the edge (docs/architecture.md, "Errors and logs"): the domain answers reasons, the
 * worker maps every reason to its HTTP status in one table (worker/lib/reasons.ts), and every
 * error answer goes through it. `Record<Reason, ErrorStatus>` already makes a missing entry a
 * type error; this checks the domain's reason lists at run time, the statuses the contract
 * fixes, the answer's shape, and that no route or rule picks a status by number.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sourceFilesUnder } from '../lib/source-files.ts';
import { issuesOf } from '../../domain/issues.ts';
import { parseAmazonReport } from '../../domain/orders/amazon-report.ts';
import { MARKETPLACE_REFUSALS } from '../../domain/orders/marketplace.ts';
import { CLOSE_REFUSALS } from '../../domain/orders/payouts.ts';
import { REPORT_REFUSAL_REASONS } from '../../domain/orders/report-file.ts';
import { problem } from '../../worker/lib/problem.ts';
import { STATUS_OF, statusOf, type Reason } from '../../worker/lib/reasons.ts';
import { orderEventBody } from '../../domain/orders/event.ts';
import type { ProgramTable } from '../../domain/orders/program-table.ts';

const files = (dir: string) => sourceFilesUnder(dir, /\.ts$/);

describe('the reason table', () => {
  it('has a status for every reason the domain names', () => {
    const domain = [...REPORT_REFUSAL_REASONS, ...MARKETPLACE_REFUSALS, ...CLOSE_REFUSALS];
    for (const reason of domain) expect(Object.hasOwn(STATUS_OF, reason), reason).toBe(true);
  });

  it('maps every reason to an error status, never a success or a redirect', () => {
    for (const [reason, status] of Object.entries(STATUS_OF))
      expect(status >= 400 && status <= 599, `${reason} -> ${status}`).toBe(true);
    expect(statusOf(201)).toBe(201);
    expect(statusOf('not_found')).toBe(404);
  });

  it('gives the statuses the contract fixes', () => {
    const fixed: [Reason, number][] = [
      ['invalid', 400], // section 4: schema failure
      ['bad_signature', 401], // section 4: bad signature or stale timestamp
      ['body_too_large', 413], // section 4: body over 1 MiB
      ['misconfigured', 503], // section 10: missing secret
      ['currency_mismatch', 422], // sections 12 and 14
      ['not_a_marketplace', 422], // section 14
      ['localised_layout', 422], // section 12
      ['unknown_layout', 422],
      ['unsafe_sum', 422],
      ['bad_rows', 400],
    ];
    for (const [reason, status] of fixed) expect(STATUS_OF[reason], reason).toBe(status);
  });

  it('answers a reason the domain returned with its status, as { error, issues }', async () => {
    const table = { default_retailer: 'amazon-us', retailers: {} } as unknown as ProgramTable;
    const parsed = parseAmazonReport(new TextEncoder().encode('Date,Clicks\n2026-11-01,3\n'), table);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toBe('unknown_layout');
    const res = problem(parsed.reason, 'report not readable', [{ path: 'row 1', message: 'no layout' }]);
    expect(res.status).toBe(422);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      error: 'report not readable',
      issues: [{ path: 'row 1', message: 'no layout' }],
    });
    const bare = problem('unauthenticated', 'missing or invalid bearer token', undefined, {
      'WWW-Authenticate': 'Bearer',
    });
    expect(bare.status).toBe(401);
    expect(bare.headers.get('www-authenticate')).toBe('Bearer');
    expect(await bare.json()).toEqual({ error: 'missing or invalid bearer token' });
  });

  it('keeps the wire shape of issues: path and message, "is required" for a missing value', () => {
    const result = orderEventBody.safeParse({ type: 'order.placed' });
    expect(result.success).toBe(false);
    if (result.success) return;
    const issues = issuesOf(result.error);
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(Object.keys(issue).sort()).toEqual(['message', 'path']);
    expect(issues).toContainEqual({ path: 'order_id', message: 'is required' });
  });
});

describe('no status by number', () => {
  it('every problem() in worker/ names a reason', () => {
    const numbered = files('worker').flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/\bproblem\(\s*\d/g)].map(() => file),
    );
    expect(numbered).toEqual([]);
  });

  it('the domain returns no HTTP status: no `status: <3 digits>` in domain/', () => {
    const found = files('domain').flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => /\bstatus\??:\s*(\d{3}\b|\d{3}\s*\|)/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });

  it('no site page or its helpers set an error status by number: 4xx and 5xx come from STATUS_OF', () => {
    const pages = sourceFilesUnder('site', /\.(astro|ts)$/);
    expect(pages.length).toBeGreaterThan(20);
    const found = pages.flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => /\bstatus\s*(=|:)\s*[45]\d\d\b/.test(line))
        .map((line) => `${file}: ${line.trim()}`),
    );
    expect(found).toEqual([]);
  });
});
