import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { historyProblem, memberHistory, stateOn } from '../../domain/content/history.ts';
import { memberId } from '../../domain/content/members.ts';
import type { HistoryEntry, Status } from '../../domain/content/schema.ts';

const HOME = 'amazon-us';

function member(
  history: HistoryEntry[] | undefined,
  status: Status = 'approved',
  tracking_id = 'ana-20',
  tracking_ids?: Record<string, string>,
) {
  return { status, applied_on: '2026-01-10', tracking_id, tracking_ids, history };
}

describe('stateOn: who held what on a day (docs/decisions.md)', () => {
  const history: HistoryEntry[] = [
    { on: '2026-01-10', status: 'applied' },
    { on: '2026-01-10', tracking_id: 'ana-20' },
    { on: '2026-02-01', status: 'approved' },
    { on: '2026-06-01', marketplace: 'amazon-uk', tracking_id: 'ana-21' },
    { on: '2026-09-15', status: 'suspended' },
  ];
  const ana = member(history, 'suspended', 'ana-20', { 'amazon-uk': 'ana-21' });

  it('folds the entries dated on or before the day', () => {
    expect(stateOn(ana, '2026-01-09', HOME)).toEqual({ status: null, trackingIds: {} });
    expect(stateOn(ana, '2026-01-31', HOME)).toEqual({
      status: 'applied',
      trackingIds: { [HOME]: 'ana-20' },
    });
    expect(stateOn(ana, '2026-02-01', HOME).status).toBe('approved');
    expect(stateOn(ana, '2026-06-01', HOME).trackingIds).toEqual({ [HOME]: 'ana-20', 'amazon-uk': 'ana-21' });
    expect(stateOn(ana, '2026-09-15', HOME).status).toBe('suspended');
  });

  it('reads a file without history as holding its fields since applied_on', () => {
    const old = member(undefined);
    expect(memberHistory(old)).toHaveLength(2);
    expect(stateOn(old, '2026-01-09', HOME).status).toBeNull();
    expect(stateOn(old, '2026-01-10', HOME)).toEqual({
      status: 'approved',
      trackingIds: { [HOME]: 'ana-20' },
    });
  });

  it('finds a history that does not end where the file stands, or runs backwards', () => {
    expect(historyProblem(ana, HOME)).toBeNull();
    expect(
      historyProblem(member(history, 'approved', 'ana-20', { 'amazon-uk': 'ana-21' }), HOME)?.message,
    ).toContain('ends with status suspended');
    expect(
      historyProblem(member(history, 'suspended', 'ana-22', { 'amazon-uk': 'ana-21' }), HOME)?.message,
    ).toContain('ends with tracking id ana-20 at amazon-us');
    const backwards = [history[0]!, history[2]!, history[1]!];
    expect(historyProblem(member(backwards, 'approved'), HOME)?.field).toBe('history[2].on');
  });

  it('property: the state on a day depends only on the entries up to that day', () => {
    const day = fc.integer({ min: 1, max: 28 }).map((d) => `2026-03-${String(d).padStart(2, '0')}`);
    const entry = fc.oneof(
      fc.record({ on: day, status: fc.constantFrom<Status>('applied', 'approved', 'suspended') }),
      fc.record({
        on: day,
        tracking_id: fc.constantFrom('a-20', 'b-20'),
        marketplace: fc.constantFrom(HOME, 'amazon-uk'),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(entry, { maxLength: 12 }),
        day,
        fc.array(entry, { maxLength: 5 }),
        (entries, cut, later) => {
          const sorted = [...entries].sort((a, b) => a.on.localeCompare(b.on));
          const upTo = sorted.filter((e) => e.on <= cut);
          const after = later.map((e) => ({ ...e, on: '2026-04-01' }));
          expect(stateOn(member([...sorted, ...after]), cut, HOME)).toEqual(stateOn(member(upTo), cut, HOME));
        },
      ),
    );
  });
});

describe('memberId: the stable id survives renames', () => {
  it('is the written id, else the first handle', () => {
    expect(memberId({ id: 'ana', handle: 'ana-cooks', previous_handles: ['ana-old'] })).toBe('ana');
    expect(memberId({ id: undefined, handle: 'ana-cooks', previous_handles: ['ana-old', 'ana-2'] })).toBe(
      'ana-old',
    );
    expect(memberId({ id: undefined, handle: 'ana-cooks', previous_handles: [] })).toBe('ana-cooks');
  });
});
