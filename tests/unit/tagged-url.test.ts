import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pieceName, taggedUrl } from '../../domain/links/tagged-url.ts';

const TAGS = [
  ['tag', 'jane-20'],
  ['ascsubtag', 'Xy_9-abcdefghijklmnopqr'],
] as const;

describe('taggedUrl', () => {
  it.each([
    // Signed or odd queries stay exactly as written; only the tags are set.
    [
      'https://www.amazon.com/dp/B0?keywords=a%20b&x=1:2&sig=AB+cd%2F%3D',
      'https://www.amazon.com/dp/B0?keywords=a%20b&x=1:2&sig=AB+cd%2F%3D&tag=jane-20&ascsubtag=Xy_9-abcdefghijklmnopqr',
    ],
    ['https://a.test/p', 'https://a.test/p?tag=jane-20&ascsubtag=Xy_9-abcdefghijklmnopqr'],
    ['https://a.test/p?', 'https://a.test/p?tag=jane-20&ascsubtag=Xy_9-abcdefghijklmnopqr'],
    // Existing tags are replaced in place, every repeat dropped, even when their names are encoded.
    [
      'https://a.test/p?tag=old&a=&b&tag=older&ta%67=x&c=1#reviews',
      'https://a.test/p?tag=jane-20&a=&b&c=1&ascsubtag=Xy_9-abcdefghijklmnopqr#reviews',
    ],
    [
      'https://a.test/p?ascsubtag=&&tag#x?tag=1&y',
      'https://a.test/p?ascsubtag=Xy_9-abcdefghijklmnopqr&&tag=jane-20#x?tag=1&y',
    ],
    // "tag+" is the name "tag " to a form decoder: not the tag, so kept.
    ['https://a.test/p?tag+=1', 'https://a.test/p?tag+=1&tag=jane-20&ascsubtag=Xy_9-abcdefghijklmnopqr'],
  ])('%s', (input, expected) => {
    expect(taggedUrl(input, TAGS)).toBe(expected);
  });

  it('encodes the values it sets', () => {
    expect(taggedUrl('https://a.test/', [['t', 'a b&c=d']])).toBe('https://a.test/?t=a%20b%26c%3Dd');
  });

  it('reads piece names as form decoding does', () => {
    expect(pieceName('a+b=1')).toBe('a b');
    expect(pieceName('%74ag')).toBe('tag');
    expect(pieceName('%zz%74ag=1')).toBe('%zztag');
    expect(pieceName('')).toBe('');
  });

  // Query text built from the characters that break naive rebuilding.
  const odd = fc
    .array(
      fc.constantFrom(
        'a',
        'B',
        '1',
        '%20',
        '%2F',
        '%3A',
        '%25',
        '%',
        ':',
        '+',
        '/',
        '?',
        '=',
        '-',
        '.',
        '~',
        ',',
        ';',
        '@',
        '!',
        '$',
        "'",
        '(',
        ')',
        '*',
      ),
      { maxLength: 6 },
    )
    .map((parts) => parts.join(''));
  const key = fc.oneof(
    fc.constantFrom('tag', 'ascsubtag', 'ta%67', 'TAG', 'tag+', 'q', ''),
    odd.filter((k) => !k.includes('=')),
  );
  const piece = fc.oneof(
    key,
    fc.tuple(key, odd).map(([k, v]) => `${k}=${v}`),
    fc.constant(''),
  );
  const query = fc.option(
    fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join('&')),
    { nil: null },
  );
  const fragment = fc.option(
    odd.map((f) => `#${f}&tag=frag`),
    { nil: null },
  );
  const value = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);

  it('keeps the product URL byte for byte apart from the tag and sub-tag (property)', () => {
    fc.assert(
      fc.property(query, fragment, value, value, (q, frag, tag, subtag) => {
        const product = `https://www.amazon.com/dp/B0%2Fx:y${q === null ? '' : `?${q}`}${frag ?? ''}`;
        const out = taggedUrl(product, [
          ['tag', tag],
          ['ascsubtag', subtag],
        ]);
        // What the retailer reads: exactly one of each, with our values.
        const parsed = new URL(out);
        expect(parsed.searchParams.getAll('tag')).toEqual([tag]);
        expect(parsed.searchParams.getAll('ascsubtag')).toEqual([subtag]);
        // Everything else is untouched: same base, same fragment, same other pieces in the same order.
        const isTag = (p: string) => ['tag', 'ascsubtag'].includes(pieceName(p));
        const [base, rest = ''] = splitOnce(out.split('#')[0] ?? '', '?');
        expect(base).toBe('https://www.amazon.com/dp/B0%2Fx:y');
        expect(out.slice(out.split('#')[0]?.length)).toBe(frag ?? '');
        const kept = (q ?? '').split('&').filter((p) => !isTag(p));
        expect(rest.split('&').filter((p) => !isTag(p))).toEqual(q === null || q === '' ? [] : kept);
      }),
      { numRuns: 2000 },
    );
  });
});

function splitOnce(text: string, separator: string): [string, string?] {
  const at = text.indexOf(separator);
  return at === -1 ? [text] : [text.slice(0, at), text.slice(at + 1)];
}
