/**
 * The operator's side of CONTRACT.md section 10: the queue settings the code relies on,
 * `npm run deploy` refusing to deploy without the required secrets (against a stand-in
 * `wrangler` that answers like the real one), and finding `clicks.unsaved` lines in logs
 * saved in each way an operator can save them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { experimental_readRawConfig } from 'wrangler';
import { afterAll, describe, expect, it } from 'vitest';
import { logUnsaved } from '../../worker/clicks/click-log.ts';
import { DEAD_LETTER_MAX_RETRIES, DEAD_LETTER_QUEUE, CLICKS_QUEUE } from '../../worker/clicks/consumer.ts';
import type { ClickRecord } from '../../domain/clicks/message.ts';
import { REQUIRED_SECRETS } from '../../domain/config/secrets.ts';
import { findUnsavedClicks } from '../../scripts/lib/unsaved-clicks.ts';

describe('wrangler.toml', () => {
  const { rawConfig } = experimental_readRawConfig({ config: 'wrangler.toml' });

  it('requires exactly the secrets the configuration check knows', () => {
    expect(rawConfig.secrets?.required).toEqual([...REQUIRED_SECRETS]);
  });

  it('consumes the click queue into its dead-letter queue, and drains that for hours', () => {
    const consumers: { queue: string; [key: string]: unknown }[] = rawConfig.queues?.consumers ?? [];
    const main = consumers.find((c) => c.queue === CLICKS_QUEUE);
    const dead = consumers.find((c) => c.queue === DEAD_LETTER_QUEUE);
    expect(main).toMatchObject({ max_batch_size: 100, dead_letter_queue: DEAD_LETTER_QUEUE });
    expect(dead?.max_retries).toBe(DEAD_LETTER_MAX_RETRIES);
    expect(dead?.dead_letter_queue).toBeUndefined();
    expect(dead?.retry_delay).toBeGreaterThanOrEqual(600);
    expect(rawConfig.observability?.enabled).toBe(true);
  });
});

describe('npm run deploy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shopfront-deploy-'));
  const calls = join(dir, 'calls.log');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** Stand-ins for `wrangler` and `astro` that log their arguments; `secret list` prints `listing`. */
  function deploy(listing: string, args: string[] = [], listExit = 0) {
    writeFileSync(calls, '');
    for (const tool of ['wrangler', 'astro']) {
      const path = join(dir, tool);
      writeFileSync(
        path,
        `#!/bin/sh\necho "${tool} $*" >> "${calls}"\n` +
          (tool === 'wrangler'
            ? `if [ "$1" = secret ]; then printf '%s' '${listing}'; exit ${listExit}; fi\n`
            : '') +
          'exit 0\n',
      );
      chmodSync(path, 0o755);
    }
    const run = spawnSync(process.execPath, ['scripts/deploy.ts', ...args], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${dir}${delimiter}${process.env.PATH ?? ''}` },
    });
    return { ...run, calls: readFileSync(calls, 'utf8').trim().split('\n').filter(Boolean) };
  }

  it('stops before anything while program.yaml carries the published development signing key', () => {
    const listing = JSON.stringify(REQUIRED_SECRETS.map((name) => ({ name, type: 'secret_text' })));
    const run = deploy(listing);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('request_signing_public_key is the published development key');
    expect(run.calls).toEqual([]);
  });

  it('stops before building when a required secret is missing, naming it and how to set it', () => {
    const run = deploy('[{"name":"ADMIN_TOKEN","type":"secret_text"}]', ['--allow-dev-signing-key']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('VISITOR_HASH_SECRET, ORDER_WEBHOOK_SECRET');
    expect(run.stderr).toContain('npx wrangler secret put ORDER_WEBHOOK_SECRET');
    expect(run.calls).toEqual(['wrangler secret list --format json']);
  });

  it('stops with a clear message when the secrets cannot be listed', () => {
    const run = deploy('', ['--allow-dev-signing-key'], 1);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('`wrangler secret list` failed');
    expect(run.calls).toHaveLength(1);
  });

  it('builds, migrates, copies the catalog and deploys, in that order, once every secret is set', () => {
    const listing = JSON.stringify(REQUIRED_SECRETS.map((name) => ({ name, type: 'secret_text' })));
    expect(deploy(listing, ['--check-only', '--allow-dev-signing-key']).calls).toEqual([
      'wrangler secret list --format json',
    ]);
    const run = deploy(listing, ['--allow-dev-signing-key']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.calls.map((call) => call.replace(/--file \S+/, '--file <catalog.sql>'))).toEqual([
      'wrangler secret list --format json',
      'astro build',
      'wrangler d1 migrations apply DB --remote',
      // scripts/sync-catalog.ts --remote: the link builder's catalog copy (migration 0009).
      'wrangler d1 execute DB --remote --json --file <catalog.sql> --yes',
      'wrangler deploy',
    ]);
  });
});

describe('finding unsaved clicks in a log', () => {
  const clicks: ClickRecord[] = [1, 2].map((n) => ({
    click_id: `unsaved-click-000${n}`,
    at: 1_780_000_000_000 + n,
    handle: 'ana-cooks',
    product_id: 'B000TEST01',
    src: null,
    referrer_host: null,
    country: 'DE',
    device: 'mobile',
    visitor_hash: n === 1 ? null : 'abcdefghijklmnopqrstuv',
    is_bot: false,
    bot_reason: null,
    method: 'GET',
    ...(n === 1 ? { incomplete: ['visitor_hash:no-secret' as const] } : {}),
  }));

  /** The exact lines the worker prints. */
  function workerLines(): string[] {
    const lines: string[] = [];
    const original = console.error;
    console.error = (line: unknown) => lines.push(String(line));
    try {
      logUnsaved(clicks, 'test');
    } finally {
      console.error = original;
    }
    return lines;
  }

  it('reads the worker output as printed, among other lines', () => {
    const text = ['[wrangler:info] Ready', ...workerLines().map((l) => `  ${l}`), 'GET /go 302'].join('\n');
    expect(findUnsavedClicks(text)).toEqual({ clicks, problems: [] });
  });

  it('reads `wrangler tail --format json` and a Workers Logs export', () => {
    const tail = workerLines()
      .map((line) => JSON.stringify({ outcome: 'ok', logs: [{ level: 'error', message: [line] }] }))
      .join('\n');
    expect(findUnsavedClicks(tail).clicks).toEqual(clicks);
    const exported = JSON.stringify(
      workerLines().map((line) => ({ $metadata: { id: 'x' }, source: JSON.parse(line) as unknown })),
    );
    expect(findUnsavedClicks(exported).clicks).toEqual(clicks);
  });

  it('counts a click once however often it is logged, and names a broken line', () => {
    const [line] = workerLines();
    const broken = line!.replace('"device":"mobile"', '"device":"toaster"');
    const scan = findUnsavedClicks([line, line, broken].join('\n'));
    expect(scan.clicks).toHaveLength(1);
    expect(scan.problems).toEqual([{ line: 3, message: expect.stringContaining('device') as string }]);
  });
});
