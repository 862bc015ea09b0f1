/**
 * A realistic sample history for the local loop: eight weeks of clicks for every
 * approved influencer (with bot and duplicate shares like real traffic) and the
 * orders some of those clicks led to, placed, shipped (sometimes in parts),
 * cancelled or partly returned. Pure and deterministic for a given `now` and
 * seed. Orders become events that go through the same ledger code as the worker
 * (createMemoryLedger -> planOrder), so seeded balances are exactly what the
 * worker would have derived from the same events.
 */
import { linkedProducts } from '../../../domain/content/members.ts';
import type { Content } from '../../../domain/content/validate.ts';
import type { EventRow, IncomingEvent, LedgerRow } from '../../../domain/orders/apply.ts';
import type { KnownClick } from '../../../domain/orders/attribution.ts';
import { eventJson, type OrderEvent } from '../../../domain/orders/event.ts';
import { createMemoryLedger } from '../../../domain/orders/memory-ledger.ts';
import type { LineTermsRow, OrderTermsRow } from '../../../domain/orders/terms.ts';
import { buildProgramTable, programFromTable } from '../../../domain/orders/program-table.ts';
import { DAY_MS, HOUR_MS } from '../../../domain/time.ts';

export interface SeedClick {
  click_id: string;
  at: number;
  handle: string;
  product_id: string | null;
  src: string | null;
  referrer_host: string | null;
  country: string | null;
  device: 'mobile' | 'tablet' | 'desktop' | 'bot';
  visitor_hash: string;
  is_bot: 0 | 1;
  bot_reason: string | null;
  is_duplicate: 0 | 1;
  method: 'GET' | 'HEAD';
}

export interface SeedHistory {
  clicks: SeedClick[];
  events: EventRow[];
  entries: LedgerRow[];
  orderTerms: OrderTermsRow[];
  lineTerms: LineTermsRow[];
}

const DAYS = 56;
/** Share of human clicks that lead to an order: review sites catch shoppers closer to buying. */
const CONVERSION = { influencer: 0.035, associate: 0.045 } as const;

const SRC_OF_PLATFORM: Record<string, { src: string; referrer: string | null }> = {
  instagram: { src: 'ig', referrer: 'l.instagram.com' },
  tiktok: { src: 'tiktok', referrer: 'www.tiktok.com' },
  youtube: { src: 'yt', referrer: 'www.youtube.com' },
  x: { src: 'x', referrer: 't.co' },
  pinterest: { src: 'pin', referrer: 'www.pinterest.com' },
  newsletter: { src: 'newsletter', referrer: null },
  blog: { src: 'blog', referrer: null },
};

/** mulberry32: small, fast, good enough for sample data (and the benches' deterministic traffic). */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    id: (length: number) => {
      const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
      let out = '';
      for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * 64)];
      return out;
    },
  };
}

export function seedHistory(content: Content, now: number, seed = 20261101): SeedHistory {
  const random = rng(seed);
  const program = programFromTable(buildProgramTable(content));
  const products = new Map(content.products.map((p) => [p.id, p]));
  const clicks: SeedClick[] = [];
  const orders: OrderEvent[][] = [];
  const start = Math.floor(now / HOUR_MS) * HOUR_MS - DAYS * DAY_MS;

  for (const influencer of content.influencers.filter((i) => i.status === 'approved')) {
    const catalog = linkedProducts(influencer, content.products);
    if (catalog.length === 0) continue;
    const ordersBefore = orders.length;
    memberTraffic({ random, member: influencer, catalog, start, now, clicks, orders });
    // Some orders arrive with the tag but no sub-tag (apps that drop it): credited by tracking id alone.
    for (let n = 0; n < Math.max(1, Math.round((orders.length - ordersBefore) * 0.05)); n++) {
      const orderedAt = start + random.int(0, DAYS * DAY_MS);
      if (orderedAt <= now)
        orders.push(
          lifecycle(random, influencer.tracking_id, null, random.pick(catalog), catalog, orderedAt, now),
        );
    }
  }
  // A tag nobody in the program owns: kept as unattributed for admins.
  const stray = products.values().next().value;
  if (stray) orders.push(lifecycle(random, 'formerpartner-20', null, stray, [stray], now - 3 * DAY_MS, now));
  return { clicks, ...ledgerOf(program, clicks, orders, random, now) };
}

interface Traffic {
  random: ReturnType<typeof rng>;
  member: Member;
  catalog: Product[];
  start: number;
  now: number;
  /** Appended to: every click, and each order's events. */
  clicks: SeedClick[];
  orders: OrderEvent[][];
}

/** A member's DAYS of clicks (a spike every few days after a post), and the orders some of them lead to. */
function memberTraffic(t: Traffic): void {
  const { random, member, now } = t;
  const sources = sourcesOf(member);
  const daily = dailyClicks(member);
  const recent: SeedClick[] = [];
  for (let day = 0; day < DAYS; day++) {
    // A post every few days brings a spike that fades.
    const spike = day % random.int(3, 6) === 0 ? random.int(2, 4) : 1;
    const count = Math.round(daily * spike * (0.6 + random.next() * 0.8));
    for (let n = 0; n < count; n++) {
      const at = t.start + day * DAY_MS + random.int(0, DAY_MS - 1);
      if (at > now) continue;
      const product = random.chance(0.06) ? null : random.pick(t.catalog);
      const click = seedClick(random, member, product, sources, recent, at);
      t.clicks.push(click);
      recent.push(click);
      if (recent.length > 50) recent.shift();
      if (!click.is_bot && !click.is_duplicate && product && random.chance(CONVERSION[member.program])) {
        const orderedAt = at + random.int(2 * 60_000, 20 * HOUR_MS);
        if (orderedAt <= now)
          t.orders.push(lifecycle(random, member.tracking_id, click, product, t.catalog, orderedAt, now));
      }
    }
  }
}

/** One click at `at`: a bot about one time in eight, a human repeat of a recent click sometimes. */
function seedClick(
  random: ReturnType<typeof rng>,
  member: Member,
  product: Product | null,
  sources: readonly { src: string | null; referrer: string | null }[],
  recent: readonly SeedClick[],
  at: number,
): SeedClick {
  const bot = random.chance(0.12);
  const source = random.pick(sources);
  const earlier = recent.find(
    (c) => c.product_id === product?.id && at - c.at < HOUR_MS && at > c.at && c.is_bot === 0,
  );
  const duplicate = !bot && product !== null && earlier !== undefined && random.chance(0.7);
  const botReason = bot ? random.pick(['crawler', 'link-preview', 'link-preview', 'head', 'prefetch']) : null;
  return {
    click_id: random.id(22),
    at,
    handle: member.handle,
    product_id: product?.id ?? null,
    src: source.src,
    referrer_host: source.referrer,
    country: random.pick(['US', 'US', 'US', 'US', 'US', 'US', 'CA', 'GB', 'AU', 'DE', 'IN']),
    device: bot
      ? 'bot'
      : random.pick(['mobile', 'mobile', 'mobile', 'mobile', 'desktop', 'desktop', 'tablet']),
    visitor_hash: duplicate && earlier ? earlier.visitor_hash : random.id(22),
    is_bot: bot ? 1 : 0,
    bot_reason: botReason,
    is_duplicate: duplicate ? 1 : 0,
    method: botReason === 'head' ? 'HEAD' : 'GET',
  };
}

/** The orders' events received in time order (a little after each happened) and applied as the worker would. */
function ledgerOf(
  program: ReturnType<typeof programFromTable>,
  clicks: readonly SeedClick[],
  orders: readonly OrderEvent[][],
  random: ReturnType<typeof rng>,
  now: number,
): Omit<SeedHistory, 'clicks'> {
  const known = new Map<string, KnownClick>(clicks.map((c) => [c.click_id, { handle: c.handle, at: c.at }]));
  const ledger = createMemoryLedger(program, known);
  const incoming: IncomingEvent[] = orders.flat().map((event) => ({
    event_id: `seed_${random.id(24)}`,
    source: 'seed',
    body: JSON.stringify(eventJson(event)),
    received_at: Math.min(now, event.occurred_at + random.int(1_000, 120_000)),
    event,
  }));
  incoming.sort((a, b) => a.received_at - b.received_at);
  for (const e of incoming) ledger.apply([e]);
  return {
    events: ledger.events,
    entries: ledger.entries,
    orderTerms: ledger.orderTerms,
    lineTerms: ledger.lineTerms,
  };
}

type Product = Content['products'][number];
type Member = Content['influencers'][number];

/** Where a member's clicks come from: its social platforms and storefront, or its website's pages. */
function sourcesOf(member: Member): { src: string | null; referrer: string | null }[] {
  if (member.program === 'associate') {
    const host = new URL(member.website).hostname;
    return [
      { src: 'review', referrer: host },
      { src: 'guide', referrer: host },
      { src: 'sidebar', referrer: host },
      { src: 'newsletter', referrer: null },
      { src: null, referrer: host },
    ];
  }
  return [
    ...member.socials.flatMap((s) => (SRC_OF_PLATFORM[s.platform] ? [SRC_OF_PLATFORM[s.platform]!] : [])),
    { src: 'storefront', referrer: null },
    { src: null, referrer: null },
  ];
}

/** Typical human clicks a day: from the audience an influencer states, or the visitors an associate states. */
function dailyClicks(member: Member): number {
  if (member.program === 'associate')
    return Math.max(6, Math.min(90, Math.round((member.monthly_visitors ?? 20_000) / 1_500)));
  const reach = member.socials.reduce((s, x) => s + x.followers, 0);
  return Math.max(6, Math.min(90, Math.round(Math.sqrt(reach) / 12)));
}

function lifecycle(
  random: ReturnType<typeof rng>,
  trackingId: string,
  click: SeedClick | null,
  product: Product,
  catalog: readonly Product[],
  orderedAt: number,
  now: number,
): OrderEvent[] {
  const orderId = `${random.int(111, 114)}-${random.int(1_000_000, 9_999_999)}-${random.int(1_000_000, 9_999_999)}`;
  const lines = [product, ...(random.chance(0.15) ? [random.pick(catalog)] : [])]
    .filter((p, i, all) => all.findIndex((q) => q.id === p.id) === i)
    .map((p) => ({ product: p, quantity: random.chance(0.12) ? random.int(2, 3) : 1 }));
  const event = (
    type: OrderEvent['type'],
    at: number,
    items: { product: Product; quantity: number }[],
  ): OrderEvent => ({
    type,
    order_id: orderId,
    ordered_at: orderedAt,
    occurred_at: at,
    tracking_id: trackingId,
    click_id: click?.click_id ?? null,
    retailer: null,
    currency: 'USD',
    items: items.map(({ product: p, quantity }) => ({
      product_id: p.id,
      category: p.category,
      quantity,
      unit_price: p.price_minor,
    })),
  });
  const events = [event('order.placed', orderedAt, lines)];
  if (random.chance(0.05)) {
    const at = orderedAt + random.int(HOUR_MS, 8 * HOUR_MS);
    if (at <= now) events.push(event('order.cancelled', at, lines));
    return events;
  }
  let shippedAt = orderedAt + random.int(18 * HOUR_MS, 72 * HOUR_MS);
  for (const line of lines) {
    const parts = line.quantity > 1 && random.chance(0.3) ? [1, line.quantity - 1] : [line.quantity];
    for (const [i, quantity] of parts.entries()) {
      const at = shippedAt + i * DAY_MS;
      if (at > now) break;
      events.push(event('order.shipped', at, [{ product: line.product, quantity }]));
      if (random.chance(0.08)) {
        const returnedAt = at + random.int(5 * DAY_MS, 25 * DAY_MS);
        if (returnedAt <= now)
          events.push(event('order.returned', returnedAt, [{ product: line.product, quantity: 1 }]));
      }
    }
    shippedAt += random.int(0, 2) * HOUR_MS;
  }
  return events;
}
