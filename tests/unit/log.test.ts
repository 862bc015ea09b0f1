/**
 * The one structured logger (worker/lib/log.ts): every line is one JSON object with `level` and
 * `event` first, the fields after, secrets never written; info to console.info, warn and error to
 * console.error; and no other log call anywhere in worker/.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { sourceFilesUnder } from '../lib/source-files.ts';
import { log, logLine } from '../../worker/lib/log.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

const files = (dir: string) => sourceFilesUnder(dir, /\.ts$/);

describe('log lines', () => {
  it('are one JSON object: level, event, then the fields as given', () => {
    const line = logLine('warn', 'clicks.queue_send_failed', {
      click_id: 'c1',
      round: 2,
      nested: { a: [1] },
    });
    expect(line).not.toContain('\n');
    expect(Object.keys(JSON.parse(line) as object)).toEqual([
      'level',
      'event',
      'click_id',
      'round',
      'nested',
    ]);
    expect(JSON.parse(line)).toEqual({
      level: 'warn',
      event: 'clicks.queue_send_failed',
      click_id: 'c1',
      round: 2,
      nested: { a: [1] },
    });
    expect(JSON.parse(logLine('info', 'payouts.closed'))).toEqual({ level: 'info', event: 'payouts.closed' });
  });

  it('never let a field replace the level or the event', () => {
    expect(JSON.parse(logLine('error', 'x.y', { level: 'info', event: 'other', n: 1 }))).toEqual({
      level: 'error',
      event: 'x.y',
      n: 1,
    });
  });

  it('never carry a secret: fields named for one are redacted', () => {
    const line = logLine('error', 'orders.webhook_secret_invalid', {
      secret: 'whsec_abc',
      ADMIN_TOKEN: 'sft_x',
      authorization: 'Bearer sft_y',
      signing_key: 'k',
      setting: 'ORDER_WEBHOOK_SECRET',
      problem: 'is empty',
    });
    expect(line).not.toMatch(/whsec_abc|sft_x|sft_y|"k"/);
    expect(JSON.parse(line)).toMatchObject({
      secret: '[redacted]',
      ADMIN_TOKEN: '[redacted]',
      authorization: '[redacted]',
      signing_key: '[redacted]',
      setting: 'ORDER_WEBHOOK_SECRET',
      problem: 'is empty',
    });
  });

  it('go to console.info for info and console.error for warn and error', () => {
    const out = vi.spyOn(console, 'info').mockImplementation(() => undefined);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    log('info', 'a.info', { n: 1 });
    log('warn', 'a.warn');
    log('error', 'a.error');
    expect(out.mock.calls).toEqual([['{"level":"info","event":"a.info","n":1}']]);
    expect(err.mock.calls).toEqual([
      ['{"level":"warn","event":"a.warn"}'],
      ['{"level":"error","event":"a.error"}'],
    ]);
  });
});

describe('one logger', () => {
  it('no file of worker/ but lib/log.ts writes to the console', () => {
    const writers = files('worker').filter(
      (file) =>
        file !== join('worker', 'lib', 'log.ts') && /\bconsole\.\w+\(/.test(readFileSync(file, 'utf8')),
    );
    expect(writers).toEqual([]);
  });
});
