import { describe, expect, it } from 'vitest';
import { insertRows, sqlLiteral } from '../../../scripts/lib/orders/sql.ts';
import { insertTokenSql, newInfluencerToken, tokenHash } from '../../../scripts/lib/orders/tokens.ts';
import { seedHistory } from '../../../scripts/lib/orders/seed-history.ts';
import { commissionFigures, sumEntries } from '../../../domain/orders/ledger.ts';
import { loadContent } from '../../../build/load-content.ts';

describe('order scripts', () => {
  it('makes tokens in the format the worker accepts and stores only their SHA-256', () => {
    const token = newInfluencerToken();
    expect(token).toMatch(/^sft_[A-Za-z0-9_-]{43}$/);
    expect(tokenHash('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const sql = insertTokenSql(token, 'ana-cooks', "it's a test", 1);
    expect(sql).toContain(tokenHash(token));
    expect(sql).not.toContain(token);
    expect(sql).toContain("'it''s a test'");
  });

  it('writes SQL literals that cannot break out of their quotes', () => {
    expect(sqlLiteral("O'Brien'); DROP TABLE clicks; --")).toBe("'O''Brien''); DROP TABLE clicks; --'");
    expect(sqlLiteral(null)).toBe('NULL');
    expect(sqlLiteral(-42)).toBe('-42');
    expect(() => sqlLiteral(1.5)).toThrow();
    expect(
      insertRows(
        't',
        ['a', 'b'],
        [
          [1, 'x'],
          [2, null],
          [3, 'z'],
        ],
        2,
      ),
    ).toEqual([
      "INSERT INTO t (a, b) VALUES\n(1, 'x'),\n(2, NULL);",
      "INSERT INTO t (a, b) VALUES\n(3, 'z');",
    ]);
  });

  it('seeds a consistent, deterministic history from the sample content', () => {
    const { content } = loadContent('content');
    if (!content) throw new Error('sample content does not load');
    const now = Date.parse('2026-11-25T12:00:00Z');
    const a = seedHistory(content, now);
    const b = seedHistory(content, now);
    expect(b.entries).toEqual(a.entries);
    expect(a.clicks.length).toBeGreaterThan(1000);
    const bots = a.clicks.filter((c) => c.is_bot).length / a.clicks.length;
    expect(bots).toBeGreaterThan(0.05);
    expect(bots).toBeLessThan(0.25);
    expect(a.clicks.every((c) => c.at <= now && /^[A-Za-z0-9_-]{22}$/.test(c.visitor_hash))).toBe(true);
    expect(a.events.every((e) => e.occurred_at <= now && e.received_at <= now)).toBe(true);
    expect(a.events.some((e) => e.status === 'unattributed')).toBe(true);
    expect(a.events.some((e) => e.attribution === 'click')).toBe(true);
    const figures = commissionFigures(sumEntries(a.entries));
    for (const bucket of ['pending', 'earned', 'reversed', 'void'] as const)
      expect(figures[bucket]).toBeGreaterThan(0);
  });
});
