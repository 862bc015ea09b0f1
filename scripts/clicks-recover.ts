/**
 * `npm run clicks:recover -- <log file> [--url <origin>] [--remote] [--dry-run]`: re-inserts
 * clicks that the worker could not store and wrote to its log as `clicks.unsaved` lines
 * (after the queue and D1 both failed through every retry, or on the last dead-letter
 * delivery). Export the log first (Workers Logs in the dashboard, or `wrangler tail
 * --format json > clicks.log` while it happens), then run this. Clicks go to the worker's
 * `POST /api/admin/clicks/recover` in batches, so they take the normal write path; a click
 * already stored is skipped, so running it twice is safe. Locally the admin token comes
 * from .dev.vars; with --remote, SHOPFRONT_URL and ADMIN_TOKEN from the environment.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { post, resolveTarget } from './lib/orders/target.ts';
import { findUnsavedClicks } from './lib/unsaved-clicks.ts';

const PER_REQUEST = 500;
const recovered = z.object({ inserted: z.int().nonnegative() });

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string' },
      remote: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    },
  });
  const [file] = positionals;
  if (!file || positionals.length > 1) {
    console.error('usage: npm run clicks:recover -- <log file> [--url <origin>] [--remote] [--dry-run]');
    return 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    console.error(`${file}: cannot read (${error instanceof Error ? error.message : String(error)})`);
    return 1;
  }
  const { clicks, problems } = findUnsavedClicks(text);
  for (const p of problems) console.error(`${file}:${p.line}: not recoverable: ${p.message}`);
  console.log(`${file}: ${clicks.length} unsaved click(s) found`);
  if (clicks.length === 0 || values['dry-run']) return problems.length > 0 ? 1 : 0;

  const target = resolveTarget({ remote: values.remote, url: values.url });
  let inserted = 0;
  for (let i = 0; i < clicks.length; i += PER_REQUEST) {
    const batch = clicks.slice(i, i + PER_REQUEST);
    const res = await post(`${target.url}/api/admin/clicks/recover`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${target.secret('ADMIN_TOKEN')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ clicks: batch }),
    });
    if (!res.ok) {
      console.error(`recover: the worker answered ${res.status}: ${await res.text()}`);
      console.error(
        `stored ${inserted} so far; run the same command again to continue (stored clicks are skipped).`,
      );
      return 1;
    }
    const answer = recovered.safeParse(await res.json());
    if (!answer.success) {
      console.error(`recover: unexpected answer from the worker: ${answer.error.message}`);
      return 1;
    }
    inserted += answer.data.inserted;
  }
  console.log(`recover: ${inserted} click(s) stored, ${clicks.length - inserted} were already in D1`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
