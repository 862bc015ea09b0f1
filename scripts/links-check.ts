/**
 * `npm run links:check [-- --write] [--fixture <file>] [--concurrency 4] [--timeout-ms 10000]
 *  [--retries 2] [--resolve host=origin] [--branch <name>] [--json]`
 * Checks every available product's link (scripts/lib/links-check/run.ts) and prints ok, moved,
 * dead, blocked, error and skipped products. With --write, dead products are marked
 * `available: false` on a new git branch (nothing else is touched; review and merge it).
 * Exit: 0 when the check ran (whatever it found), 1 on bad arguments, content errors or a failed write.
 */
import { execFileSync } from 'node:child_process';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatError } from '../domain/content/validate.ts';
import { tally, type ProductDataSource } from '../domain/catalog/link-health.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import { fixtureSource } from './lib/links-check/fixture-source.ts';
import { checkContentLinks } from './lib/links-check/run.ts';
import { writeDeadBranch } from './lib/links-check/write-branch.ts';

function fail(message: string): never {
  console.error(`links:check: ${message}`);
  process.exit(1);
}

function positive(name: string, raw: string, min: number, max: number): number {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be an integer from ${min} to ${max}`);
  return n;
}

const { values } = (() => {
  try {
    return parseArgs({
      options: {
        write: { type: 'boolean', default: false },
        fixture: { type: 'string' },
        concurrency: { type: 'string', default: '4' },
        'timeout-ms': { type: 'string', default: '10000' },
        retries: { type: 'string', default: '2' },
        'retry-delay-ms': { type: 'string', default: '1000' },
        resolve: { type: 'string', multiple: true, default: [] },
        branch: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
})();

const resolveMap = new Map<string, string>();
for (const entry of values.resolve) {
  const [host, origin] = entry.split(/=(.*)/s);
  if (!host || !origin || !URL.canParse(origin))
    fail(`--resolve ${entry}: write host=origin, e.g. shop.example=http://127.0.0.1:8080`);
  resolveMap.set(host, origin);
}
let source: ProductDataSource | null = null;
try {
  source = values.fixture ? fixtureSource(values.fixture) : null;
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

const limits = {
  concurrency: positive('concurrency', values.concurrency, 1, 16),
  timeoutMs: positive('timeout-ms', values['timeout-ms'], 100, 60_000),
  retries: positive('retries', values.retries, 0, 5),
  retryDelayMs: positive('retry-delay-ms', values['retry-delay-ms'], 0, 30_000),
};
const root = contentDir();
const { content, errors } = loadContent(root);
if (!content) fail(`content errors in ${root}/:\n${errors.map(formatError).join('\n')}`);

const verdicts = await checkContentLinks(content, {
  source,
  http: {
    ...limits,
    userAgent: `shopfront-links-check/1.0 (+${content.program.site.url}; checks affiliate product links)`,
    resolve: resolveMap,
  },
});

const counts = tally(verdicts);
if (values.json) console.log(JSON.stringify({ counts, verdicts }, null, 2));
else {
  for (const v of verdicts.filter((x) => x.state !== 'ok'))
    console.log(
      `${v.state.padEnd(8)} ${v.product} (${v.retailer}) ${v.url}${v.to ? ` -> ${v.to}` : ''}: ${v.detail}`,
    );
  console.log(
    Object.entries(counts)
      .map(([state, n]) => `${n} ${state}`)
      .join(', '),
  );
}

if (values.write) {
  const dead = verdicts.filter((v) => v.state === 'dead');
  if (dead.length === 0) console.log('--write: no dead product, no branch made.');
  else {
    const repo = execFileSync('git', ['rev-parse', '--show-toplevel'], { encoding: 'utf8' }).trim();
    const productsDir = relative(repo, resolve(root, 'products'));
    const branch = values.branch ?? `links-check/${new Date().toISOString().slice(0, 10)}`;
    const message =
      `Catalog: mark ${dead.length} dead product(s) unavailable (npm run links:check)\n\n` +
      dead.map((v) => `- ${v.product} (${v.retailer}): ${v.detail}`).join('\n') +
      '\n';
    try {
      const { commit, changed } = writeDeadBranch(
        repo,
        dead.map((v) => ({ product: v.product, path: `${productsDir}/${v.product}.yaml` })),
        branch,
        message,
      );
      console.log(
        changed.length === 0
          ? '--write: every dead product was already unavailable.'
          : `--write: branch ${branch} at ${commit.slice(0, 12)} marks ${changed.length} product(s) unavailable.`,
      );
    } catch (error) {
      fail(error instanceof Error ? error.message : String(error));
    }
  }
}
