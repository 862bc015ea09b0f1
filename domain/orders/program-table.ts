/**
 * What the order and reporting code needs from content, compiled at build time
 * (the worker cannot read YAML): rate tables, categories, attribution window,
 * payout settings and every influencer's tracking id, whatever their status, so
 * that commission earned before a suspension is still credited to its owner.
 */
import { memberId } from '../content/members.ts';
import type { Content } from '../content/validate.ts';
import type { MemberProgram, RateTable, Status } from '../content/schema.ts';
import type { Currency } from '../currency.ts';
import type { CreditMember } from './crediting.ts';

export interface ProgramTable {
  /** The program's currency: payouts are in it and order events must use it. */
  currency: Currency;
  attribution_window_hours: number;
  /** Days raw clicks are kept before the scheduled job deletes them (roll-ups stay). */
  click_retention_days: number;
  /** More navigations than this from one visitor hash in a UTC day are flagged burst (section 16). */
  burst_clicks_per_day: number;
  /** `thresholds_minor`: per currency; a currency not listed uses `threshold_minor`. */
  payout: { threshold_minor: number; thresholds_minor: Record<string, number>; hold_days: number };
  categories: { id: string; name: string }[];
  /** Retailer of events that name none: the first one in retailers.yaml. */
  default_retailer: string;
  /**
   * Retailer id -> its currency and rate tables, oldest first; `home`: the home marketplace of
   * its group (section 14) when that is another retailer.
   */
  retailers: Record<string, { currency: Currency; tables: RateTable[]; home?: string }>;
  /**
   * Handle -> tracking id, status and program, for every member in content (influencers and
   * associates), with its stable id (docs/decisions.md), the handles it had before (oldest
   * first), whether an admin holds its commission for review, and `tracking_ids`: its ids at
   * other marketplaces (section 14), when it has some.
   */
  influencers: Record<
    string,
    {
      tracking_id: string;
      status: Status;
      program: MemberProgram;
      member_id: string;
      previous_handles: string[];
      review: boolean;
      tracking_ids?: Record<string, string>;
      /** Its display name, for people reading admin tables (written by every build; optional in hand-made tables). */
      name?: string;
    }
  >;
  /** Every member with its dated status and tracking ids: who an Amazon statement key is credited to (crediting.ts). */
  credit: CreditMember[];
}

export function buildProgramTable(content: Content): ProgramTable {
  const first = content.retailers[0];
  if (!first) throw new Error('content has no retailer');
  const retailers: ProgramTable['retailers'] = {};
  const homes = new Map<string, string>();
  for (const r of content.retailers) {
    const tables = [...(content.rates[r.id] ?? [])].sort((a, b) =>
      a.effective_from.localeCompare(b.effective_from),
    );
    const home = r.group === undefined ? undefined : homes.get(r.group);
    if (r.group !== undefined && home === undefined) homes.set(r.group, r.id);
    retailers[r.id] = { currency: r.currency, tables, ...(home === undefined ? {} : { home }) };
  }
  const influencers: ProgramTable['influencers'] = {};
  for (const i of [...content.influencers].sort((a, b) => a.handle.localeCompare(b.handle)))
    influencers[i.handle] = {
      tracking_id: i.tracking_id,
      status: i.status,
      program: i.program,
      member_id: memberId(i),
      previous_handles: [...i.previous_handles],
      review: i.review === true,
      ...(Object.keys(i.tracking_ids ?? {}).length > 0 ? { tracking_ids: i.tracking_ids } : {}),
      name: i.name,
    };
  const credit: CreditMember[] = content.influencers.map((i) => ({
    member_id: memberId(i),
    handle: i.handle,
    status: i.status,
    applied_on: i.applied_on,
    tracking_id: i.tracking_id,
    ...(i.tracking_ids ? { tracking_ids: i.tracking_ids } : {}),
    ...(i.history ? { history: i.history } : {}),
  }));
  return {
    currency: content.program.payout.currency,
    attribution_window_hours: content.program.attribution_window_hours,
    click_retention_days: content.program.click_retention_days,
    burst_clicks_per_day: content.program.burst_clicks_per_day,
    payout: {
      threshold_minor: content.program.payout.threshold_minor,
      thresholds_minor: Object.fromEntries(
        Object.entries(content.program.payout.thresholds_minor ?? {}).flatMap(([c, t]) =>
          t === undefined ? [] : [[c, t]],
        ),
      ),
      hold_days: content.program.payout.hold_days,
    },
    categories: content.program.categories.map((c) => ({ id: c.id, name: c.name })),
    default_retailer: first.id,
    retailers,
    influencers,
    credit,
  };
}

/** Lookups over a program table, built once per table. */
export interface Program {
  table: ProgramTable;
  /** The handle owning a tracking id (compared case-insensitively, as content validation does), or null. */
  handleOf(trackingId: string): string | null;
  /**
   * The handle a new order with this tracking id is credited to: its owner when
   * `approved`, else null (applied, rejected and suspended creators earn nothing new).
   */
  creditedHandle(trackingId: string): string | null;
  /** The program of a member; null for a handle not in content. */
  programOf(handle: string): MemberProgram | null;
}

export function programFromTable(table: ProgramTable): Program {
  const byTracking = new Map<string, string>();
  for (const [handle, i] of Object.entries(table.influencers))
    byTracking.set(i.tracking_id.toLowerCase(), handle);
  // Ids at other marketplaces name their member too (content keeps every id one member's).
  for (const [handle, i] of Object.entries(table.influencers))
    for (const id of Object.values(i.tracking_ids ?? {}))
      if (!byTracking.has(id.toLowerCase())) byTracking.set(id.toLowerCase(), handle);
  const handleOf = (trackingId: string) => byTracking.get(trackingId.toLowerCase()) ?? null;
  return {
    table,
    handleOf,
    creditedHandle(trackingId) {
      const handle = handleOf(trackingId);
      return handle !== null && table.influencers[handle]?.status === 'approved' ? handle : null;
    },
    programOf: (handle) =>
      Object.hasOwn(table.influencers, handle) ? (table.influencers[handle]?.program ?? null) : null,
  };
}
