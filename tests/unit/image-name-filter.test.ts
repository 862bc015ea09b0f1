/** The image name filter (domain/images/name-filter.ts): never a wrong 404, few false positives. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNameFilter, encodeNameFilter, mayHold } from '../../domain/images/name-filter.ts';

describe('image name filter', () => {
  it('holds every name it was built from', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.string({ minLength: 1, maxLength: 80 }), { maxLength: 300 }), (paths) => {
        const filter = decodeNameFilter(encodeNameFilter(paths));
        for (const path of paths) expect(mayHold(filter, path)).toBe(true);
      }),
    );
  });

  it('refuses all but about 1% of other names, at 10 bits a name', () => {
    const paths = Array.from({ length: 20_000 }, (_, i) => `/images/avatars/member-${i}.png`);
    const bytes = encodeNameFilter(paths);
    expect(bytes.length).toBe(9 + 25_000);
    const filter = decodeNameFilter(bytes);
    let positives = 0;
    for (let i = 0; i < 20_000; i++) if (mayHold(filter, `/images/avatars/stranger-${i}.png`)) positives++;
    expect(positives / 20_000).toBeLessThan(0.015);
  });

  it('refuses bytes that are not a filter', () => {
    expect(() => decodeNameFilter(new TextEncoder().encode('<!doctype html>'))).toThrow(/SFNAMES1/);
    const empty = decodeNameFilter(encodeNameFilter([]));
    expect(mayHold(empty, '/images/avatars/anyone.png')).toBe(false);
  });
});
