import { describe, expect, it } from 'vitest';
import { rateFor } from '../../../domain/orders/rates.ts';
import { fixtureProgram } from './helpers.ts';

const tables = fixtureProgram().table.retailers['amazon-us']!.tables;

describe('rateFor', () => {
  it('picks the last table in force on the UTC day of the order, then the category or the default', () => {
    expect(rateFor(tables, Date.parse('2026-09-30T23:59:59Z'), 'sports')).toEqual({
      bps: 300,
      effective_from: '2020-04-21',
      source: 'category',
    });
    expect(rateFor(tables, Date.parse('2026-10-01T00:00:00Z'), 'sports')).toEqual({
      bps: 350,
      effective_from: '2026-10-01',
      source: 'category',
    });
    expect(rateFor(tables, Date.parse('2026-10-01T00:00:00Z'), 'garden')).toEqual({
      bps: 400,
      effective_from: '2026-10-01',
      source: 'default',
    });
    expect(rateFor(tables, Date.parse('2026-10-01T00:00:00Z'), 'gift-cards')?.bps).toBe(0);
  });

  it('has no rate before the first table, and never reads inherited keys as categories', () => {
    expect(rateFor(tables, Date.parse('2020-04-20T23:59:59Z'), 'sports')).toBeNull();
    expect(rateFor(tables, Date.parse('2026-10-01T00:00:00Z'), 'constructor')?.source).toBe('default');
  });
});
