/**
 * Click attribution (CONTRACT.md section 4): an order's click counts when it is a
 * click of the same influencer made no more than the attribution window before
 * the order was placed. Otherwise the order is credited by tracking id alone;
 * commission follows the tracking id either way (that is what the retailer pays on).
 */
import { HOUR_MS } from '../time.ts';

export interface KnownClick {
  handle: string;
  /** Unix ms. */
  at: number;
}

export type Attribution =
  | { kind: 'click'; click_id: string }
  | {
      kind: 'tracking_id';
      reason:
        | 'no click id'
        | 'unknown click'
        | 'click of another influencer'
        | 'click after the order'
        | 'click outside the window';
    };

export function attribute(input: {
  /** The handle owning the event's tracking id. */
  handle: string;
  clickId: string | null;
  orderedAt: number;
  /** The stored click named by clickId, if there is one. */
  click: KnownClick | undefined;
  windowHours: number;
}): Attribution {
  const { handle, clickId, orderedAt, click, windowHours } = input;
  if (clickId === null) return { kind: 'tracking_id', reason: 'no click id' };
  if (!click) return { kind: 'tracking_id', reason: 'unknown click' };
  if (click.handle !== handle) return { kind: 'tracking_id', reason: 'click of another influencer' };
  if (click.at > orderedAt) return { kind: 'tracking_id', reason: 'click after the order' };
  if (orderedAt - click.at > windowHours * HOUR_MS)
    return { kind: 'tracking_id', reason: 'click outside the window' };
  return { kind: 'click', click_id: clickId };
}
