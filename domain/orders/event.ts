/**
 * An order event (CONTRACT.md section 4) as zod schema, and its normalised form:
 * times as unix milliseconds, click id null when absent. The webhook and the
 * Amazon report import both end here, so both accept exactly the same events.
 */
import { z } from 'zod';
import { currency, productId } from '../content/schema.ts';
import type { Currency } from '../currency.ts';
import { issuesOf, type Issue } from '../issues.ts';
import { MAX_ITEMS, MAX_QUANTITY, MAX_UNIT_PRICE_MINOR } from './commission.ts';

export const ORDER_EVENT_TYPES = [
  'order.placed',
  'order.shipped',
  'order.cancelled',
  'order.returned',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPES)[number];

/** Ids travel in headers, URLs and CSV cells: printable ASCII without spaces. */
const token = (max: number) =>
  z
    .string()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces');

const instant = z.iso
  .datetime({
    offset: true,
    error: 'must be an ISO-8601 date-time with a time zone, e.g. 2026-11-03T14:22:10Z',
  })
  .transform((text) => Date.parse(text));

export const orderItem = z.object({
  product_id: productId,
  /** A program category id; an unknown one gets the rate table's default rate. */
  category: z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(64)
    .transform((value) => value.toLowerCase()),
  quantity: z.int().min(1).max(MAX_QUANTITY),
  /** Minor units of the event's currency. */
  unit_price: z.int().min(0).max(MAX_UNIT_PRICE_MINOR),
  /**
   * Extension: the retailer's own commission for this item's quantity in this event
   * (minor units; for a return, the amount taken back, positive). When given, the
   * ledger records it instead of the rate table's figure (Amazon's Ad Fees).
   */
  reported_commission_minor: z
    .int()
    .min(0)
    .max(MAX_UNIT_PRICE_MINOR * MAX_QUANTITY)
    .optional(),
});
export type OrderItem = z.output<typeof orderItem>;

export const orderEventBody = z
  .object({
    type: z.enum(ORDER_EVENT_TYPES),
    order_id: token(128),
    ordered_at: instant,
    occurred_at: instant,
    tracking_id: token(64),
    click_id: token(64).nullish(),
    /** Extension: a retailer id from content; events without one are the program's default retailer's. */
    retailer: z.string().min(1).max(64).optional(),
    /** Section 14: the marketplace (a retailer of the retailer's group); default the retailer named, else the home one (orders/marketplace.ts). */
    marketplace: z.string().min(1).max(64).optional(),
    currency,
    items: z.array(orderItem).min(1, 'must list at least one item').max(MAX_ITEMS),
  })
  .superRefine((event, ctx) => {
    const seen = new Set<string>();
    event.items.forEach((item, i) => {
      if (seen.has(item.product_id))
        ctx.addIssue({
          code: 'custom',
          path: ['items', i, 'product_id'],
          message: `"${item.product_id}" appears twice; one event lists each product once`,
        });
      seen.add(item.product_id);
    });
    if (event.occurred_at < event.ordered_at)
      ctx.addIssue({ code: 'custom', path: ['occurred_at'], message: 'must not be before ordered_at' });
  });

/** An event as the ledger sees it. */
export interface OrderEvent {
  type: OrderEventType;
  order_id: string;
  /** Unix ms. */
  ordered_at: number;
  /** Unix ms. */
  occurred_at: number;
  tracking_id: string;
  click_id: string | null;
  retailer: string | null;
  /** The marketplace named by the event, if any (domain/orders/marketplace.ts resolves it). */
  marketplace?: string;
  currency: Currency;
  items: OrderItem[];
}

export function parseOrderEvent(
  data: unknown,
): { ok: true; event: OrderEvent } | { ok: false; issues: Issue[] } {
  const result = orderEventBody.safeParse(data, { reportInput: true });
  if (!result.success) return { ok: false, issues: issuesOf(result.error) };
  const { click_id, retailer, marketplace, ...rest } = result.data;
  return {
    ok: true,
    event: {
      ...rest,
      click_id: click_id ?? null,
      retailer: retailer ?? null,
      ...(marketplace === undefined ? {} : { marketplace }),
    },
  };
}

/** The event in contract JSON form (ISO times), e.g. for a report row turned into an event. */
export function eventJson(event: OrderEvent): Record<string, unknown> {
  const { ordered_at, occurred_at, click_id, retailer, ...rest } = event;
  return {
    ...rest,
    ordered_at: new Date(ordered_at).toISOString(),
    occurred_at: new Date(occurred_at).toISOString(),
    ...(click_id === null ? {} : { click_id }),
    ...(retailer === null ? {} : { retailer }),
  };
}

export interface IdentifiedEvent {
  event_id: string;
  event: OrderEvent;
}

/** A total order on events that does not depend on arrival: by time, then id. */
export function compareEvents(a: IdentifiedEvent, b: IdentifiedEvent): number {
  if (a.event.occurred_at !== b.event.occurred_at) return a.event.occurred_at - b.event.occurred_at;
  return a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0;
}
