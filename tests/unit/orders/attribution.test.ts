import { describe, expect, it } from 'vitest';
import { attribute } from '../../../domain/orders/attribution.ts';

const ORDER = Date.parse('2026-11-03T14:00:00Z');
const base = { handle: 'ana-cooks', clickId: 'c1', orderedAt: ORDER, windowHours: 24 };

describe('attribution', () => {
  it('counts a click of the same influencer up to the window before the order', () => {
    expect(attribute({ ...base, click: { handle: 'ana-cooks', at: ORDER } })).toEqual({
      kind: 'click',
      click_id: 'c1',
    });
    expect(attribute({ ...base, click: { handle: 'ana-cooks', at: ORDER - 24 * 3_600_000 } }).kind).toBe(
      'click',
    );
  });

  it('falls back to the tracking id, saying why', () => {
    const reason = (input: Partial<Parameters<typeof attribute>[0]>) => {
      const result = attribute({ ...base, click: undefined, ...input });
      return result.kind === 'tracking_id' ? result.reason : 'click';
    };
    expect(reason({ clickId: null })).toBe('no click id');
    expect(reason({})).toBe('unknown click');
    expect(reason({ click: { handle: 'ben-applies', at: ORDER - 1000 } })).toBe(
      'click of another influencer',
    );
    expect(reason({ click: { handle: 'ana-cooks', at: ORDER + 1 } })).toBe('click after the order');
    expect(reason({ click: { handle: 'ana-cooks', at: ORDER - 24 * 3_600_000 - 1 } })).toBe(
      'click outside the window',
    );
    expect(reason({ windowHours: 48, click: { handle: 'ana-cooks', at: ORDER - 30 * 3_600_000 } })).toBe(
      'click',
    );
  });
});
