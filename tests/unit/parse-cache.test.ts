/**
 * The build's parse cache (build/parse-cache.ts): a hit is exactly the parse it
 * stands for, only changed texts are parsed again, the file holds what the last build
 * used, and a damaged or foreign file is a cold cache, never a wrong answer.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ParseCache } from '../../build/parse-cache.ts';

let dir = '';
let file = '';
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'parse-cache-'));
  file = join(dir, 'cache', 'content-parse.bin');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What the "parser" makes of a text: nested values, as a YAML parse has. */
const parse = (text: string) => ({ data: { text, length: text.length, nested: [text.toUpperCase(), null] } });

/** One build: every text through the cache; returns the values and which texts were parsed. */
function build(texts: string[]) {
  const cache = new ParseCache(file);
  const parsed: string[] = [];
  const values = texts.map((text) =>
    cache.get(text, () => {
      parsed.push(text);
      return parse(text);
    }),
  );
  cache.save();
  return { values, parsed };
}

describe('parse cache', () => {
  it('answers a warm build exactly as parsing does, and parses only changed texts', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ maxLength: 40 }), { minLength: 1, maxLength: 20 }),
        fc.string({ maxLength: 40 }),
        (texts, changed) => {
          rmSync(join(dir, 'cache'), { recursive: true, force: true });
          const cold = build(texts);
          expect(cold.parsed).toEqual(texts);
          const warm = build(texts);
          expect(warm.parsed).toEqual([]);
          expect(warm.values).toEqual(texts.map(parse));
          // One file changes: only its new text is parsed; the rest are still hits.
          const next = [changed, ...texts.slice(1)];
          const again = build(next);
          expect(again.parsed).toEqual(texts.includes(changed) ? [] : [changed]);
          expect(again.values).toEqual(next.map(parse));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('keeps only what the last build used, and leaves no temporary file', () => {
    build(['a', 'b', 'c']);
    build(['a']);
    expect(build(['b']).parsed).toEqual(['b']);
    expect(readdirSync(join(dir, 'cache'))).toEqual(['content-parse.bin']);
  });

  it('does not rewrite the file when nothing changed', () => {
    build(['a', 'b']);
    const before = readFileSync(file);
    expect(build(['b', 'a']).parsed).toEqual([]);
    // Written in this order, the file would differ: it was kept, not rewritten.
    expect(readFileSync(file).equals(before)).toBe(true);
  });

  it('treats a damaged, truncated or foreign file as a cold cache', () => {
    build(['a', 'b']);
    const good = readFileSync(file);
    for (const bad of [
      good.subarray(0, good.length - 3),
      Buffer.concat([good.subarray(0, good.length - 8), Buffer.alloc(8, 0xff)]),
      Buffer.from('not a cache at all'),
      Buffer.alloc(0),
    ]) {
      writeFileSync(file, bad);
      const run = build(['a', 'b']);
      expect(run.parsed).toEqual(['a', 'b']);
      expect(run.values).toEqual(['a', 'b'].map(parse));
    }
    expect(existsSync(file)).toBe(true);
  });
});
