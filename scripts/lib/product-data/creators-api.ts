/**
 * Amazon's Creators API (the successor of the Product Advertising API 5.0) as a product data
 * source for `npm run catalog:refresh` (docs/storefronts.md). Written from Amazon's public
 * documentation; not exercised against a live account here (access needs an Associates account
 * with recent qualifying sales), so the response is read defensively: an item whose price cannot
 * be read gets no offer, which shows "See price on Amazon" (the safe side of the rules).
 *
 *   token:    POST <token url of the credential version>  JSON { grant_type: client_credentials,
 *             client_id, client_secret, scope: creatorsapi::default }  -> { access_token, expires_in }
 *   getItems: POST https://creatorsapi.amazon/catalog/v1/getItems, Authorization: Bearer <token>,
 *             x-marketplace: www.amazon.com; body { itemIds (≤ 10), itemIdType: ASIN, partnerTag,
 *             partnerType: Associates, marketplace, resources }
 *             -> { itemsResult: { items: [{ asin, offersV2: { listings: [{ price: { money:
 *                { amount, currency } }, isBuyBoxWinner, deliveryInfo?: { isPrimeEligible } }] } }] } }
 *
 * Credentials only from the environment: CREATORS_API_CREDENTIAL_ID, CREATORS_API_CREDENTIAL_SECRET,
 * CREATORS_API_CREDENTIAL_VERSION (3.1 North America, 3.2 Europe, 3.3 Far East; default 3.1),
 * CREATORS_API_PARTNER_TAG (the program's own tag). CREATORS_API_BASE and
 * CREATORS_API_TOKEN_URL override the hosts (tests point them at a local server).
 */
import { z } from 'zod';
import { CURRENCIES } from '../../../domain/currency.ts';
import { toMinorUnits } from '../../../domain/money.ts';
import type { Offer } from '../../../domain/catalog/offers.ts';

/** One request names at most this many ASINs. */
export const ITEMS_PER_REQUEST = 10;

export interface ItemsSource {
  name: 'creators-api' | 'fixture';
  /** The raw getItems answer for up to ITEMS_PER_REQUEST ASINs on one marketplace host. */
  getItems(asins: readonly string[], marketplace: string): Promise<unknown>;
}

const TOKEN_URLS: Record<string, string> = {
  '3.1': 'https://api.amazon.com/auth/o2/token',
  '3.2': 'https://api.amazon.co.uk/auth/o2/token',
  '3.3': 'https://api.amazon.co.jp/auth/o2/token',
};

const RESOURCES = [
  'offersV2.listings.price',
  'offersV2.listings.isBuyBoxWinner',
  'offersV2.listings.deliveryInfo.isPrimeEligible',
];

export function creatorsApiConfigured(
  env: Readonly<Record<string, string | undefined>> = process.env,
): boolean {
  return Boolean(
    env.CREATORS_API_CREDENTIAL_ID && env.CREATORS_API_CREDENTIAL_SECRET && env.CREATORS_API_PARTNER_TAG,
  );
}

const tokenAnswer = z.object({ access_token: z.string().min(1), expires_in: z.number().optional() });

export function creatorsApiSource(
  env: Readonly<Record<string, string | undefined>> = process.env,
  timeoutMs = 15_000,
): ItemsSource {
  const version = env.CREATORS_API_CREDENTIAL_VERSION || '3.1';
  const tokenUrl = env.CREATORS_API_TOKEN_URL || TOKEN_URLS[version];
  if (!tokenUrl)
    throw new Error(`CREATORS_API_CREDENTIAL_VERSION: unknown version "${version}" (3.1, 3.2 or 3.3)`);
  const base = (env.CREATORS_API_BASE || 'https://creatorsapi.amazon').replace(/\/+$/, '');
  let token: { value: string; until: number } | null = null;
  const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': 'shopfront-catalog-refresh/1',
        ...headers,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${url}: HTTP ${res.status}: ${text.slice(0, 300)}`);
    return JSON.parse(text) as unknown;
  };
  return {
    name: 'creators-api',
    async getItems(asins, marketplace) {
      if (!token || Date.now() > token.until) {
        const answer = tokenAnswer.parse(
          await post(tokenUrl, {
            grant_type: 'client_credentials',
            client_id: env.CREATORS_API_CREDENTIAL_ID,
            client_secret: env.CREATORS_API_CREDENTIAL_SECRET,
            scope: 'creatorsapi::default',
          }),
        );
        token = { value: answer.access_token, until: Date.now() + ((answer.expires_in ?? 3600) - 60) * 1000 };
      }
      return post(
        `${base}/catalog/v1/getItems`,
        {
          itemIds: asins,
          itemIdType: 'ASIN',
          partnerTag: env.CREATORS_API_PARTNER_TAG,
          partnerType: 'Associates',
          marketplace,
          resources: RESOURCES,
        },
        { Authorization: `Bearer ${token.value}`, 'x-marketplace': marketplace },
      );
    },
  };
}

const listing = z.object({
  price: z
    .object({ money: z.object({ amount: z.number().nonnegative(), currency: z.enum(CURRENCIES) }) })
    .optional(),
  isBuyBoxWinner: z.boolean().optional(),
  deliveryInfo: z.object({ isPrimeEligible: z.boolean().optional() }).optional(),
});
const item = z.object({
  asin: z.string(),
  offersV2: z.object({ listings: z.array(z.unknown()).optional() }).optional(),
});
const answer = z.object({ itemsResult: z.object({ items: z.array(z.unknown()) }).optional() });

/**
 * Offers from one getItems answer, checked at `checkedAt`: the buy-box listing's price (else the
 * first listing's) and its Prime eligibility (only an explicit true shows the badge). Items
 * without a readable price, and unreadable items, get no offer; `warn` hears about each.
 */
export function offersFromGetItems(
  body: unknown,
  checkedAt: Date,
  warn: (message: string) => void,
): Map<string, Offer> {
  const offers = new Map<string, Offer>();
  const parsed = answer.safeParse(body);
  if (!parsed.success) {
    warn(`getItems answer not understood: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`);
    return offers;
  }
  for (const raw of parsed.data.itemsResult?.items ?? []) {
    const it = item.safeParse(raw);
    if (!it.success) continue;
    const listings = (it.data.offersV2?.listings ?? []).flatMap((l) => {
      const ok = listing.safeParse(l);
      return ok.success && ok.data.price ? [ok.data] : [];
    });
    const chosen = listings.find((l) => l.isBuyBoxWinner) ?? listings[0];
    if (!chosen?.price) {
      warn(`${it.data.asin}: no price in the answer`);
      continue;
    }
    const minor = toMinorUnits(chosen.price.money.amount, chosen.price.money.currency);
    if (!minor.ok) {
      warn(`${it.data.asin}: price ${chosen.price.money.amount}: ${minor.message}`);
      continue;
    }
    offers.set(it.data.asin, {
      price_minor: minor.minor,
      currency: chosen.price.money.currency,
      prime: chosen.deliveryInfo?.isPrimeEligible === true,
      checked_at: checkedAt.toISOString(),
    });
  }
  return offers;
}
