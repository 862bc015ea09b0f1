import { describe, expect, it } from 'vitest';
import { code, percent, inlineText } from '../../domain/vet/markdown.ts';

describe('inlineText', () => {
  it('cannot ping, embed, inject HTML or break a table', () => {
    const out = inlineText('hi @shopfront/admins ![x](https://t.example/p.gif) <img src=x> a|b\nnext *line*');
    expect(out).toBe(
      'hi @\u200bshopfront/admins !\\[x\\](https://t.example/p.gif) \\<img src=x\\> a\\|b next \\*line\\*',
    );
  });
});

describe('code', () => {
  it('keeps a value on one line inside one code span', () => {
    expect(code('a`b\nc')).toBe("`a'b c`");
  });
});

describe('percent', () => {
  it('shows at most two decimals', () => {
    expect(percent(0.041)).toBe('4.1%');
    expect(percent(2 / 3)).toBe('66.67%');
    expect(percent(0.0035)).toBe('0.35%');
  });
});
