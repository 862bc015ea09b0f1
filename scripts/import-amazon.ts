/**
 * `npm run import:amazon -- <report.csv> [--remote] [--url <origin>]`: sends an
 * Amazon Associates report (Fee-Earnings, Fee-Orders or shopfront's order export) to the worker's import endpoint, which does all
 * the work (one implementation, the same checks as in production). Locally it
 * posts to http://localhost:8787 with ADMIN_TOKEN from .dev.vars; with --remote
 * to SHOPFRONT_URL with ADMIN_TOKEN from the environment. See docs/orders.md.
 */
import { readFileSync, statSync } from 'node:fs';
import { parseTargetArgs, post, resolveTarget } from './lib/orders/target.ts';
import { progress } from './lib/progress.ts';

const USAGE = 'usage: npm run import:amazon -- <report.csv> [--remote] [--url <origin>]';

async function main(): Promise<number> {
  const parsed = parseTargetArgs(USAGE);
  if (!parsed) return 2;
  const [file, ...rest] = parsed.positionals;
  if (!file || rest.length > 0) {
    console.error(USAGE);
    return 2;
  }
  let body: Uint8Array<ArrayBuffer>;
  try {
    if (!statSync(file).isFile()) throw new Error('not a file');
    body = new Uint8Array(readFileSync(file));
  } catch (error) {
    console.error(`${file}: cannot read (${error instanceof Error ? error.message : String(error)})`);
    return 1;
  }
  const target = resolveTarget(parsed);
  const bar = progress(`import:amazon ${file}`, body.byteLength, 'bytes');
  let res: Response;
  let text: string;
  let seconds = 0;
  try {
    // Node's fetch sends a stream body only with duplex 'half' (not in the Workers RequestInit type).
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        authorization: `Bearer ${target.secret('ADMIN_TOKEN')}`,
      },
      body: uploadCounted(body, (bytes) =>
        bar.tick(bytes, bytes === 0 ? 'the worker is checking the report' : 'sending'),
      ),
      duplex: 'half',
    };
    res = await post(`${target.url}/api/admin/import/amazon`, init);
    text = await res.text();
  } finally {
    seconds = bar.stop();
  }
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = null;
  }
  if (res.ok && isRecord(answer)) {
    console.log(
      `${file}: ${String(answer.layout)} report, ${String(answer.rows)} rows, ${String(answer.events)} events: ` +
        `${String(answer.processed)} new, ${String(answer.duplicate)} already imported, ` +
        `${String(answer.unattributed)} with a tracking id of nobody approved (${seconds} s)`,
    );
    if (Array.isArray(answer.unattributed_tracking_ids) && answer.unattributed_tracking_ids.length > 0)
      console.log(`unknown tracking ids (kept for admins): ${answer.unattributed_tracking_ids.join(', ')}`);
    if (Array.isArray(answer.rejected))
      for (const issue of answer.rejected)
        if (isRecord(issue))
          console.error(`  ${file}: ${String(issue.path)}: refused: ${String(issue.message)}`);
    const rec = answer.reconciliation;
    if (isRecord(rec) && isRecord(rec.total) && Array.isArray(rec.rows)) {
      console.log(
        `reconciliation (Amazon's Ad Fees vs the rate tables, minor units): Amazon ${String(rec.total.reported_minor)}, ` +
          `tables ${String(rec.total.expected_minor)}, difference ${String(rec.total.difference_minor)}; the ledger records Amazon's figures`,
      );
      for (const row of rec.rows)
        if (isRecord(row))
          console.log(
            `  row ${String(row.row)}: ${String(row.asin)} ${String(row.tracking_id)}: Amazon ${String(row.reported_minor)}, ` +
              `table ${String(row.expected_minor)}, difference ${String(row.difference_minor)}`,
          );
    }
    return 0;
  }
  console.error(
    `${file}: import refused (${res.status}): ${isRecord(answer) ? String(answer.error) : text.slice(0, 200)}`,
  );
  if (isRecord(answer) && Array.isArray(answer.issues))
    for (const issue of answer.issues)
      if (isRecord(issue)) console.error(`  ${file}: ${String(issue.path)}: ${String(issue.message)}`);
  return 1;
}

/** The file as a stream in 64 KiB chunks, reporting each chunk sent (and 0 once all is sent). */
function uploadCounted(
  bytes: Uint8Array<ArrayBuffer>,
  sent: (bytes: number) => void,
): ReadableStream<Uint8Array> {
  let offset = 0;
  return new ReadableStream({
    pull(controller) {
      if (offset >= bytes.byteLength) {
        sent(0);
        controller.close();
        return;
      }
      const chunk = bytes.subarray(offset, offset + 64 * 1024);
      offset += chunk.byteLength;
      controller.enqueue(chunk);
      sent(chunk.byteLength);
    },
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
