/**
 * The program an order was credited under (migration 0012): recorded with new orders; for
 * orders recorded before, read back from the rate tables their lines were rated with, so that
 * moving a member between programs never re-rates a line first seen later.
 */
import { describe, expect, it } from 'vitest';
import type { MemberProgram } from '../../../domain/content/schema.ts';
import { orderProgram, type LineTermsRow, type RecordedTerms } from '../../../domain/orders/terms.ts';
import { fixtureProgram, withProgram } from './helpers.ts';
import { KITCHEN_TERMS } from '../../lib/order-terms.ts';

const program = fixtureProgram();
const AFTER_PROGRAM_TABLES = Date.parse('2026-10-05T10:00:00Z');
const BEFORE_PROGRAM_TABLES = Date.parse('2026-09-05T10:00:00Z');

function terms(
  handle: string,
  orderedAt: number,
  recorded: MemberProgram | null,
  lines: Partial<LineTermsRow>[],
): RecordedTerms {
  return {
    order: {
      order_id: 'o1',
      handle,
      tracking_id: 't',
      retailer: 'amazon-us',
      ordered_at: orderedAt,
      program: recorded,
      event_id: 'e1',
      recorded_at: orderedAt,
    },
    lines: new Map(
      lines.map((l, i): [string, LineTermsRow] => [
        `P${i}`,
        {
          order_id: 'o1',
          product_id: `P${i}`,
          ...KITCHEN_TERMS,
          event_id: 'e1',
          recorded_at: orderedAt + i,
          ...l,
        },
      ]),
    ),
  };
}

const SHARED_2026 = { rate_effective_from: '2026-10-01', rate_program: null };
const ASSOCIATE_2026 = { rate_effective_from: '2026-10-01', rate_program: 'associate', rate_bps: 300 };

describe('orderProgram', () => {
  it('is the recorded program whatever content says today', () => {
    const movedAna = withProgram(program, 'ana-cooks', 'associate');
    expect(orderProgram(terms('ana-cooks', AFTER_PROGRAM_TABLES, 'influencer', []), movedAna)).toBe(
      'influencer',
    );
  });

  describe('for an order recorded before migration 0012', () => {
    it('is influencer when its lines came from the shared table, even after the member became an associate', () => {
      const movedAna = withProgram(program, 'ana-cooks', 'associate');
      const old = terms('ana-cooks', AFTER_PROGRAM_TABLES, null, [SHARED_2026, SHARED_2026]);
      expect(orderProgram(old, movedAna)).toBe('influencer');
    });

    it("is associate when its lines came from the associates' own table, even after the member became an influencer", () => {
      const movedDee = withProgram(program, 'dee-reviews', 'influencer');
      const old = terms('dee-reviews', AFTER_PROGRAM_TABLES, null, [ASSOCIATE_2026]);
      expect(orderProgram(old, movedDee)).toBe('associate');
    });

    it("is today's program when both programs chose the same table (no rate can differ)", () => {
      const old = terms('ana-cooks', BEFORE_PROGRAM_TABLES, null, [
        { rate_effective_from: '2020-04-21', rate_program: null },
      ]);
      expect(orderProgram(old, withProgram(program, 'ana-cooks', 'associate'))).toBe('associate');
      expect(orderProgram(old, program)).toBe('influencer');
    });

    it("is today's program when no line names a table, or the lines fit no program", () => {
      const movedAna = withProgram(program, 'ana-cooks', 'associate');
      const backfilled = terms('ana-cooks', AFTER_PROGRAM_TABLES, null, [
        { rate_source: 'backfill', rate_effective_from: null, rate_retailer: null },
      ]);
      expect(orderProgram(backfilled, movedAna)).toBe('associate');
      const mixed = terms('ana-cooks', AFTER_PROGRAM_TABLES, null, [SHARED_2026, ASSOCIATE_2026]);
      expect(orderProgram(mixed, movedAna)).toBe('associate');
    });
  });
});
