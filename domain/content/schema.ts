/**
 * The content contract (CONTRACT.md section 1) as zod schemas. This one module is
 * used by Astro's content collections, the CLI scripts and the vetting check, so
 * a pull-request check and the build can never disagree about what is valid.
 */
import { z } from 'zod';
import { CURRENCIES } from '../currency.ts';
import { toMinorUnits } from '../money.ts';
import { isIsoDay, utcDay } from '../time.ts';

// ---------------------------------------------------------------- small pieces

export const HANDLE_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;
export const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

export const handle = z
  .string()
  .min(3, 'must be 3 to 30 characters')
  .max(30, 'must be 3 to 30 characters')
  .regex(HANDLE_PATTERN, 'must be lowercase letters, digits and inner hyphens (e.g. "jane-cooks")');

export const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(SLUG_PATTERN, 'must be lowercase letters, digits and inner hyphens');

export const productId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'must be letters, digits, "-" or "_" (e.g. an ASIN)');

/**
 * An https URL written percent-encoded: printable ASCII only, no whitespace or control character
 * (the URL parser would drop a CR/LF or tab, but the raw text reaches a Location header, where
 * CR/LF is header injection and anything outside Latin-1 a TypeError, so a 500).
 */
export const httpsUrl = z
  .string()
  .regex(/^[\x21-\x7e]+$/, 'must be written percent-encoded: no spaces, control or non-ASCII characters')
  .refine((value) => URL.canParse(value) && new URL(value).protocol === 'https:', 'must be an https:// URL');

/** An https URL, or a path under the site's public folder (e.g. "/images/x.svg"). */
export const imageRef = z
  .string()
  .refine(
    (value) =>
      (URL.canParse(value) && new URL(value).protocol === 'https:') ||
      /^\/(?!\/)[A-Za-z0-9._~\/-]+$/.test(value),
    'must be an https:// URL or a path under the site\'s public folder starting with "/"',
  );

/**
 * A calendar day, normalised to "YYYY-MM-DD". YAML 1.1 parsers (Astro's) turn an
 * unquoted date into a Date while YAML 1.2 ones (our scripts') keep the string.
 */
export const isoDay = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const text = value instanceof Date ? (Number.isNaN(value.getTime()) ? null : utcDay(value)) : value;
  if (text === null || !isIsoDay(text)) {
    ctx.addIssue({ code: 'custom', message: 'must be a date written YYYY-MM-DD' });
    return z.NEVER;
  }
  return text;
});

export const currency = z.enum(CURRENCIES, {
  error: `must be a supported ISO 4217 code (${CURRENCIES.join(', ')})`,
});

/** Basis points: 100 bps = 1%. */
export const bps = z.int().min(0).max(10_000, 'must be between 0 and 10000 basis points');

export const status = z.enum(['applied', 'approved', 'suspended', 'rejected']);
export type Status = z.infer<typeof status>;

/** An affiliate tracking id at a retailer (e.g. an Amazon Associates tag "jane-20"). */
export const trackingId = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{2,63}$/, 'must be 3 to 64 letters, digits, "-" or "_"');

/** A country as ISO 3166-1 alpha-2 ("GB", not "UK"). */
export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 country code (e.g. "GB")');

/**
 * One dated change of a member (docs/decisions.md): a status, or the tracking id held at a
 * marketplace (without `marketplace`, the home marketplace). Who is credited for an Amazon report
 * row follows these dates (CONTRACT.md section 12).
 */
export const historyEntry = z
  .strictObject({
    /** The day (UTC) the change took effect, YYYY-MM-DD. */
    on: isoDay,
    /** The member's status from that day. */
    status: status.optional(),
    /** The tracking id held from that day at `marketplace`. */
    tracking_id: trackingId.optional(),
    /** Retailer id of the marketplace (default: the home marketplace, content/retailers.yaml's first). */
    marketplace: slug.optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.status === undefined) === (value.tracking_id === undefined))
      ctx.addIssue({ code: 'custom', message: 'must name either a status or a tracking_id' });
    if (value.marketplace !== undefined && value.tracking_id === undefined)
      ctx.addIssue({ code: 'custom', path: ['marketplace'], message: 'goes with a tracking_id' });
  });
export type HistoryEntry = z.output<typeof historyEntry>;

export const platform = z.enum([
  'instagram',
  'tiktok',
  'youtube',
  'x',
  'threads',
  'pinterest',
  'facebook',
  'twitch',
  'snapchat',
  'blog',
  'newsletter',
  'podcast',
]);

// ---------------------------------------------------------------- influencer

export const social = z.strictObject({
  /** Where the audience is. */
  platform,
  /** Link to the profile (https). */
  url: httpsUrl,
  /** Followers or subscribers today. */
  followers: z.int().min(0),
  /** Average interactions per post divided by followers, 0..1 (e.g. 0.035). */
  engagement_rate: z.number().min(0).max(1).optional(),
  /** Posts published in the last 90 days. */
  posts_last_90_days: z.int().min(0).optional(),
});

export const listItem = z.strictObject({
  /** Product id, the file name under content/products/ without ".yaml". */
  product: productId,
  /** Why you recommend it, shown on the card (keep it honest and short). */
  note: z.string().max(500).optional(),
  /** Day the item was added, YYYY-MM-DD ("Latest" on the storefront); vet requires it on new items. */
  added_on: isoDay.optional(),
});

export const list = z.strictObject({
  /** URL part of the list page: /shop/<handle>/<slug>/. */
  slug,
  /** Heading of the list. */
  title: z.string().min(1).max(100),
  /** One or two sentences under the heading. */
  description: z.string().max(500).optional(),
  /** The products in this list, in display order. */
  items: z.array(listItem).min(1, 'must have at least one item'),
});

/** The two programs of CONTRACT.md section 8: vetted influencers with a storefront, website associates without. */
export const PROGRAMS = ['influencer', 'associate'] as const;
export const memberProgram = z.enum(PROGRAMS, { error: 'must be influencer or associate' });
export type MemberProgram = z.infer<typeof memberProgram>;

export const influencer = z.strictObject({
  /** influencer (the default: a storefront page) or associate (a website publisher, no page). */
  program: z.literal('influencer').default('influencer'),
  /** Your handle: the file name, your /go/<handle>/ links and (influencers) the /shop/<handle>/ URL. */
  handle,
  /**
   * The member's stable id, never changed (docs/decisions.md): the handle the file was created
   * with. Without it, the first handle (previous_handles[0], else handle). Money belongs to it.
   */
  id: handle.optional(),
  /** Display name. */
  name: z.string().min(1).max(80),
  /** GitHub login of the member who owns this file; only they (or an admin) may change it. */
  github: z
    .string()
    .regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/, 'must be a GitHub login')
    .optional(),
  /** "self": a member without a GitHub login owns the file through signed request branches (applied on the web). */
  owner: z.literal('self', { error: 'must be "self" (or name a GitHub login under github instead)' }).optional(),
  /** A short bio, at most 280 characters. */
  bio: z.string().max(280, 'must be at most 280 characters'),
  /** Avatar image: https URL or a path under the site's public folder. */
  avatar: imageRef,
  /** applied | approved | suspended | rejected; applicants always write "applied". */
  status,
  /** Day you applied, YYYY-MM-DD. */
  applied_on: isoDay,
  /** Your affiliate tracking id at the home marketplace (e.g. an Amazon Associates tag "jane-20"). */
  tracking_id: trackingId,
  /** Your tracking ids at other marketplaces of the group: { amazon-uk: jane-21 }. Admins only. */
  tracking_ids: z.record(slug, trackingId).optional(),
  /** Dated changes of status and tracking ids, oldest first; only admins add entries. */
  history: z.array(historyEntry).optional(),
  /** true: an admin holds this approved member's commission for review (CONTRACT.md section 16). */
  review: z.boolean().optional(),
  /** Your social profiles. */
  socials: z.array(social).min(1, 'must list at least one profile'),
  /** Category ids you cover (see content/program.yaml). */
  categories: z.array(slug).min(1, 'must name at least one category'),
  /** Handles this storefront used before a rename; their old links keep working by redirect. */
  previous_handles: z.array(handle).default([]),
  /** Product ids shown at the top of your storefront. */
  featured: z.array(productId).max(12).default([]),
  /** Your product lists. */
  lists: z.array(list).default([]),
});
export type Influencer = z.output<typeof influencer>;

// ---------------------------------------------------------------- associate

/**
 * A website publisher (as in Amazon Associates): every field an influencer has
 * except the storefront ones (socials, featured, lists), plus what vetting can
 * check from the file about the site.
 */
export const associate = influencer
  .omit({ program: true, socials: true, featured: true, lists: true })
  .extend({
    /** associate: a website publisher; no storefront page, tracked links only. */
    program: z.literal('associate'),
    /** Your website (https), where your tracked links appear. */
    website: httpsUrl,
    /** Who reads your site, in a sentence or two. */
    audience: z.string().trim().min(1, 'must describe who reads your site').max(280, 'must be at most 280 characters'),
    /** What your site is about, in a few words (reviewers compare it with your categories). */
    niche: z.string().trim().min(1, 'must say what your site is about').max(120, 'must be at most 120 characters'),
    /** The page of your site that discloses its affiliate links (https). */
    disclosure_url: httpsUrl,
    /** Visitors a month, as you state it (not verified). */
    monthly_visitors: z.int().min(0).optional(),
  });
export type Associate = z.output<typeof associate>;

/** A member file under content/influencers/: `program` picks the kind; without it, an influencer. */
export const member = z.discriminatedUnion('program', [influencer, associate], {
  error: (issue) => (issue.code === 'invalid_union' ? 'must be influencer or associate' : undefined),
});
export type Member = z.output<typeof member>;

/** Whether a member gets a storefront page (only influencers do). */
export function isInfluencer(value: Member): value is Influencer {
  return value.program === 'influencer';
}

// ---------------------------------------------------------------- product

export const product = z
  .strictObject({
    /** Product id: the file name without ".yaml" (for Amazon, the ASIN). */
    id: productId,
    /** Retailer id from content/retailers.yaml. */
    retailer: slug,
    /** Product title as the retailer shows it. */
    title: z.string().min(1).max(200),
    /** Brand name. */
    brand: z.string().min(1).max(80),
    /** Category id from content/program.yaml. */
    category: slug,
    /** Product page at the retailer (https, on one of the retailer's hosts). */
    url: httpsUrl,
    /** Image: https URL or a path under the site's public folder. */
    image: imageRef,
    /** Price in major units as shown at the retailer, e.g. 24.99. */
    price: z.union([z.number(), z.string()]),
    /** ISO 4217 currency of the price. */
    currency,
    /** Day the price was checked, YYYY-MM-DD; shown as "as of". */
    price_checked_at: isoDay,
    /** Eligible for Prime shipping. */
    prime: z.boolean(),
    /** Average star rating, 0 to 5. */
    rating: z.number().min(0).max(5).optional(),
    /** Number of reviews. */
    reviews: z.int().min(0).optional(),
    /** False hides the product from storefronts and tracked links. */
    available: z.boolean().default(true),
    /** The same product at other marketplaces of its retailer's group: { amazon-uk: https://www.amazon.co.uk/dp/... }. */
    markets: z.record(slug, httpsUrl).optional(),
  })
  .transform((value, ctx) => {
    const converted = toMinorUnits(value.price, value.currency);
    if (!converted.ok) {
      ctx.addIssue({ code: 'custom', path: ['price'], message: converted.message });
      return z.NEVER;
    }
    const { price: _price, ...rest } = value;
    return { ...rest, price_minor: converted.minor };
  });
export type Product = z.output<typeof product>;

// ---------------------------------------------------------------- retailers

export const retailer = z.strictObject({
  /** Retailer id used by products and rate tables. */
  id: slug,
  /** Display name. */
  name: z.string().min(1),
  /** Hosts product URLs may point at (exact host names). */
  hosts: z.array(z.string().regex(/^[a-z0-9.-]+$/, 'must be a lowercase host name')).min(1),
  /**
   * Hosts that product images of this retailer may be loaded from over https (exact host
   * names, e.g. "m.media-amazon.com"). Every shopper's browser contacts them, so keep the
   * list to the retailer's own image servers; empty means self-hosted images only.
   */
  image_hosts: z.array(z.string().regex(/^[a-z0-9.-]+$/, 'must be a lowercase host name')).default([]),
  /** Query parameter that carries the influencer's tracking id (Amazon: "tag"). */
  tag_param: z.string().regex(/^[A-Za-z0-9_]+$/),
  /** Query parameter that carries the click id (Amazon: "ascsubtag"). */
  subtag_param: z.string().regex(/^[A-Za-z0-9_]+$/),
  /** Currency the retailer sells and pays in. */
  currency,
  /** Marketplaces of one store (e.g. "amazon"): a member's tracking_ids and a product's markets name them. */
  group: slug.optional(),
  /** Countries this marketplace serves (ISO 3166-1 alpha-2): shoppers there are sent to it. */
  countries: z.array(countryCode).optional(),
  /** The marketplace's search page with one "{query}" placeholder, filled with the product title. */
  search_url: httpsUrl
    .refine((value) => value.split('{query}').length === 2, 'must contain "{query}" exactly once')
    .optional(),
  /** Affiliate disclosure shown on every page with this retailer's links. */
  disclosure: z.string().trim().min(20, 'must be a real disclosure sentence (at least 20 characters)'),
  /**
   * "http": `npm run links:check` may request this retailer's product pages (HEAD, then GET).
   * Leave it out for a retailer that checks links through its product API, or forbids
   * automated requests (Amazon: never, whatever this says).
   */
  link_check: z.literal('http').optional(),
});
export type Retailer = z.output<typeof retailer>;

export const retailersFile = z.strictObject({
  /** Every retailer of the program. */
  retailers: z.array(retailer).min(1),
});

// ---------------------------------------------------------------- commission rates

export const rateTable = z.strictObject({
  /** First day (UTC) this table applies to orders placed on or after it. */
  effective_from: isoDay,
  /** influencer or associate: the program this table is for; without it, both. */
  program: memberProgram.optional(),
  /** Rate for categories not listed below. */
  default_bps: bps,
  /** Category id -> rate in basis points. */
  rates: z.record(slug, bps).default({}),
});
export type RateTable = z.output<typeof rateTable>;

export const commissionRatesFile = z.strictObject({
  /** Retailer id -> its dated rate tables. */
  retailers: z.record(slug, z.array(rateTable).min(1)),
});

// ---------------------------------------------------------------- program

export const category = z.strictObject({
  /** Category id used by products, influencers and rate tables. */
  id: slug,
  /** Display name. */
  name: z.string().min(1),
});

export const programFile = z.strictObject({
  /** Public name and base URL of the site (used for canonical links and the sitemap). */
  site: z.strictObject({ name: z.string().min(1), url: httpsUrl.or(z.string().regex(/^http:\/\/localhost(:\d+)?$/)) }),
  /** Hours between a click and an order for the click to count. */
  attribution_window_hours: z.int().min(1).max(24 * 90).default(24),
  /**
   * Days raw clicks are kept (CONTRACT section 11); daily roll-ups are kept for good.
   * At least the attribution window (an order must find its click) and, at most, ten years.
   */
  click_retention_days: z.int().min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days').default(90),
  /** When balances are paid. */
  payout: z.strictObject({
    /** Smallest balance paid out, in minor units of the program currency. */
    threshold_minor: z.int().min(0),
    /** Days earnings wait after the period before they are payable (return window). */
    hold_days: z.int().min(0).max(365),
    /** Currency of payouts. */
    currency,
    /** Smallest balance paid per other currency (minor units); a currency not listed uses threshold_minor. */
    thresholds_minor: z.partialRecord(currency, z.int().min(0)).optional(),
  }),
  /** More clicks than this from one visitor in a day are flagged "burst" (CONTRACT.md section 16). */
  burst_clicks_per_day: z.int().min(1).max(100_000).default(30),
  /** A product price or Prime badge is shown only while its check is younger than this (Amazon: 24 h at most). */
  price_max_age_hours: z.int().min(1).max(24, 'must be at most 24 (Amazon shows prices only when current)').default(24),
  /** Public key (raw Ed25519, base64) that vet checks request branches' signatures with (docs/decisions.md). */
  request_signing_public_key: z
    .string()
    .regex(/^[A-Za-z0-9+/]{43}=$/, 'must be a base64 Ed25519 public key (44 characters)')
    .optional(),
  /** Handles nobody may take. */
  reserved_handles: z.array(z.string()).default([]),
  /** GitHub logins of program admins (may approve, suspend, reject). */
  admins: z.array(z.string().min(1)).min(1),
  /** The product categories of the program. */
  categories: z.array(category).min(1),
});
export type ProgramFile = z.output<typeof programFile>;
