/**
 * Group commit for webhook events. Each event costs two D1 round trips (read the
 * order's state, write events and entries), and D1 round trips, not our code,
 * bound throughput. Concurrent requests in one isolate therefore share them:
 * whoever finds no write in progress takes every waiting event and applies them
 * together (applyEvents reads and writes whole groups of orders in one batch
 * each); events arriving meanwhile wait and go in the next group. With no
 * concurrency an event is applied at once, alone, as before.
 *
 * D1 I/O only ever runs in the context of a request that is still waiting for
 * its own event, so no request's I/O outlives it; the others only await a promise.
 */
import type { IncomingEvent, Outcome } from '../../domain/orders/apply.ts';
import type { Program } from '../../domain/orders/program-table.ts';
import { applyEvents } from './store.ts';

const MAX_GROUP = 64;

interface Waiting {
  event: IncomingEvent;
  /** Set once a group containing this event has been applied (or failed). */
  result?: { ok: true; outcome: Outcome } | { ok: false; error: unknown };
}

interface Line {
  waiting: Waiting[];
  /** The group being applied, if any; resolves when it is done. */
  busy: Promise<void> | null;
}

// Keyed by the D1 binding, so two bindings (a test's wrapper and the real one) never share a group.
const lines = new WeakMap<D1Database, Line>();

export async function ingest(db: D1Database, program: Program, event: IncomingEvent): Promise<Outcome> {
  const line = lines.get(db) ?? { waiting: [], busy: null };
  lines.set(db, line);
  const mine: Waiting = { event };
  line.waiting.push(mine);
  while (!mine.result) {
    if (!line.busy)
      line.busy = applyWaiting(db, program, line).finally(() => {
        line.busy = null;
      });
    await line.busy;
  }
  if (!mine.result.ok) throw mine.result.error;
  return mine.result.outcome;
}

async function applyWaiting(db: D1Database, program: Program, line: Line): Promise<void> {
  // One event per id in a group: a second delivery of an id waits for the first to land, then reads "duplicate".
  const ids = new Set<string>();
  const group: Waiting[] = [];
  const later: Waiting[] = [];
  for (const w of line.waiting) {
    if (group.length < MAX_GROUP && !ids.has(w.event.event_id)) {
      ids.add(w.event.event_id);
      group.push(w);
    } else later.push(w);
  }
  line.waiting = later;
  try {
    const outcomes = await applyEvents(
      db,
      program,
      group.map((w) => w.event),
    );
    for (const w of group) w.result = { ok: true, outcome: outcomes.get(w.event.event_id) ?? 'duplicate' };
  } catch (error) {
    for (const w of group) w.result = { ok: false, error };
  }
}
