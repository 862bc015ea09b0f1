import { formatError } from '../../../domain/content/validate.ts';
import type { IncomingEvent } from '../../../domain/orders/apply.ts';
import type { MemberProgram, Status } from '../../../domain/content/schema.ts';
import type { OrderEvent, OrderItem } from '../../../domain/orders/event.ts';
import {
  buildProgramTable,
  programFromTable,
  type Program,
  type ProgramTable,
} from '../../../domain/orders/program-table.ts';
import { loadContent } from '../../../build/load-content.ts';

/** The fixture program: ana-cooks (approved, anacooks-20), ben-applies (applied), cy-paused (suspended). */
export function fixtureProgram(): Program {
  const { content, errors } = loadContent('tests/fixtures/content');
  if (!content) throw new Error(errors.map(formatError).join('\n'));
  return programFromTable(buildProgramTable(content));
}

/** The sample program's table (content/), as the worker builds it. */
export function sampleTable(): ProgramTable {
  const { content, errors } = loadContent('content');
  if (!content) throw new Error(errors.map(formatError).join('\n'));
  return buildProgramTable(content);
}

/** One statement key of ana's: a product at 24.90 USD on 2026-11-02 (Fee-Earnings). */
export const ANA_KEY = {
  marketplace: 'amazon-us',
  tracking_id: 'ana-20',
  asin: 'B000000001',
  price_minor: 2490,
  day: '2026-11-02',
};

export const T0 = Date.parse('2026-10-05T10:00:00Z');

export function event(
  id: string,
  type: OrderEvent['type'],
  at: number,
  items: Partial<OrderItem>[],
  extra: Partial<OrderEvent> = {},
): IncomingEvent {
  return {
    event_id: id,
    source: 'webhook',
    body: '{}',
    received_at: at,
    event: {
      type,
      order_id: 'ORDER-1',
      ordered_at: T0,
      occurred_at: at,
      tracking_id: 'anacooks-20',
      click_id: null,
      retailer: null,
      currency: 'USD',
      ...extra,
      items: items.map((i) => ({
        product_id: 'B000TEST01',
        category: 'kitchen',
        quantity: 1,
        unit_price: 1000,
        ...i,
      })),
    },
  };
}

export function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

/** The program after a content edit of one member's entry (on a copy; `program` is unchanged). */
function withMember(
  program: Program,
  handle: string,
  edit: (member: Program['table']['influencers'][string]) => void,
): Program {
  const table = structuredClone(program.table);
  const member = table.influencers[handle];
  if (!member) throw new Error(`no ${handle}`);
  edit(member);
  return programFromTable(table);
}

/** The program after a content edit that changes one creator's status. */
export function withStatus(program: Program, handle: string, status: Status): Program {
  return withMember(program, handle, (member) => (member.status = status));
}

/** The program after a content edit that moves a member to another program (an admin's change). */
export function withProgram(program: Program, handle: string, moveTo: MemberProgram): Program {
  return withMember(program, handle, (member) => (member.program = moveTo));
}

/** The program after a content edit that rewrites every rate of every table (as an admin bypassing vet could). */
export function withAllRates(program: Program, bps: number): Program {
  const table = structuredClone(program.table);
  for (const retailer of Object.values(table.retailers))
    for (const t of retailer.tables) {
      t.default_bps = bps;
      for (const category of Object.keys(t.rates)) t.rates[category] = bps;
    }
  return programFromTable(table);
}

/** The program after a content edit that gives one creator's tracking id to another. */
export function withTrackingId(program: Program, handle: string, trackingId: string): Program {
  const table = structuredClone(program.table);
  for (const i of Object.values(table.influencers))
    if (i.tracking_id === trackingId) i.tracking_id = 'moved-20';
  const influencer = table.influencers[handle];
  if (!influencer) throw new Error(`no ${handle}`);
  influencer.tracking_id = trackingId;
  influencer.status = 'approved';
  return programFromTable(table);
}
