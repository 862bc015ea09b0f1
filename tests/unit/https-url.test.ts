/**
 * Security review (issue 24): a product URL with CR/LF passed the content checks at 53ca318
 * (the URL parser drops the line break) and its raw text reached the Location header of
 * `/go/`, a 500 at best (products were refused by a cross-file check, other https URLs such as
 * profile links were not). The schema refuses any whitespace, control or non-ASCII character in
 * every https URL, naming the file and field.
 */
import { describe, expect, it } from 'vitest';
import { httpsUrl } from '../../domain/content/schema.ts';
import { formatError, validateContent } from '../../domain/content/validate.ts';
import { readContentSources } from '../../build/load-content.ts';

const FIXTURE = 'tests/fixtures/content';
const PAN = `${FIXTURE}/products/B000TEST01.yaml`;
const ANA = `${FIXTURE}/influencers/ana-cooks.yaml`;

describe('httpsUrl', () => {
  it.each([
    ['CR/LF', 'https://www.amazon.com/dp/B000TEST01\r\nSet-Cookie: a=b'],
    ['LF', 'https://www.amazon.com/dp/\nB000TEST01'],
    ['a tab', 'https://www.amazon.com/dp/\tB000TEST01'],
    ['a space', 'https://www.amazon.com/dp/B000 TEST01'],
    ['a NUL', 'https://www.amazon.com/dp/B000TEST01\u0000'],
    ['a DEL', 'https://www.amazon.com/dp/B000TEST01\u007f'],
    ['a C1 control', 'https://www.amazon.com/dp/B000TEST01\u0085'],
    ['a line separator', 'https://www.amazon.com/dp/B000TEST01\u2028'],
    ['a character outside Latin-1', 'https://www.amazon.com/dp/B000TEST01?k=\u20ac'],
  ])('refuses a URL with %s', (_what, url) => {
    const result = httpsUrl.safeParse(url);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(
      'must be written percent-encoded: no spaces, control or non-ASCII characters',
    );
  });

  it('accepts a plain https URL, with an encoded space', () => {
    expect(httpsUrl.safeParse('https://www.amazon.com/dp/B000TEST01?tag=x%20y').success).toBe(true);
  });

  it('makes a product file with a CR/LF in its url a content error naming file and field, once', () => {
    const sources = readContentSources(FIXTURE);
    const pan = sources.products.find((f) => f.path === PAN);
    if (!pan || !('data' in pan)) throw new Error('no fixture product');
    (pan.data as Record<string, unknown>).url =
      'https://www.amazon.com/dp/B000TEST01\r\nLocation: https://evil.example/';
    const errors = validateContent(sources).errors.map(formatError);
    expect(errors).toEqual([
      `${PAN}: url: must be written percent-encoded: no spaces, control or non-ASCII characters`,
    ]);
  });

  it('refuses a CR/LF in any other https URL of content too (a profile link)', () => {
    const sources = readContentSources(FIXTURE);
    const ana = sources.influencers.find((f) => f.path === ANA);
    if (!ana || !('data' in ana)) throw new Error('no fixture member');
    const socials = (ana.data as { socials: { url: string }[] }).socials;
    socials[0]!.url = 'https://www.instagram.com/anacooks\r\nSet-Cookie: a=b';
    expect(validateContent(sources).errors.map(formatError)).toEqual([
      `${ANA}: socials[0].url: must be written percent-encoded: no spaces, control or non-ASCII characters`,
    ]);
  });
});
