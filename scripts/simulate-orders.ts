/**
 * `npm run simulate:orders [-- --url <origin>]`: plays the retailer against the
 * running local worker. It takes the most recent human click from the local D1
 * (click a /go/ link first for a fresh one), and sends correctly signed events
 * for an order of that product: placed (2 items), shipped, then 1 returned.
 * With no click at all it orders a product of the first approved influencer,
 * credited by tracking id alone. Signatures come from the standardwebhooks
 * package, the reference implementation.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Webhook } from 'standardwebhooks';
import { linkedProducts } from '../domain/content/members.ts';
import { formatError } from '../domain/content/validate.ts';
import { contentDir } from '../build/content-gate.ts';
import { loadContent } from '../build/load-content.ts';
import { d1Execute } from './lib/harness/d1.ts';
import { post, resolveTarget } from './lib/orders/target.ts';
import { progress } from './lib/progress.ts';

const LATEST_CLICK = `
SELECT click_id, handle, product_id, at FROM clicks
WHERE is_bot = 0 AND product_id IS NOT NULL ORDER BY at DESC LIMIT 1`;

type Step = { type: string; items: unknown[] };
type Order = {
  order_id: string;
  ordered_at: Date;
  tracking_id: string;
  click_id: string | undefined;
  currency: string;
};

/** Each step as a signed webhook event of the order, one second apart, until the first refusal. */
async function sendSteps(
  url: string,
  webhook: Webhook,
  order: Order,
  steps: readonly Step[],
  bar: ReturnType<typeof progress>,
): Promise<{ answers: string[]; failed: boolean }> {
  const { order_id: orderId, ordered_at: orderedAt, tracking_id, click_id: clickId, currency } = order;
  const answers: string[] = [];
  let failed = false;
  for (const [n, step] of steps.entries()) {
    bar.tick(0, `sending ${step.type}`);
    const body = JSON.stringify({
      type: step.type,
      order_id: orderId,
      ordered_at: orderedAt.toISOString(),
      occurred_at: new Date(orderedAt.getTime() + n * 1000).toISOString(),
      tracking_id,
      ...(clickId ? { click_id: clickId } : {}),
      currency,
      items: step.items,
    });
    const id = `msg_${randomBytes(12).toString('hex')}`;
    const now = new Date();
    const res = await post(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': webhook.sign(id, now, body),
      },
      body,
    });
    answers.push(`${step.type.padEnd(15)} ${orderId} -> ${res.status} ${await res.text()}`);
    bar.tick(1, `${step.type} -> ${res.status}`);
    if (!res.ok) {
      failed = true;
      break;
    }
  }
  return { answers, failed };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { url: { type: 'string' }, 'persist-to': { type: 'string' } } });
  const { content, errors } = loadContent(contentDir());
  if (!content) {
    for (const error of errors) console.error(formatError(error));
    return 1;
  }
  const target = resolveTarget({ remote: false, url: values.url });
  const webhook = new Webhook(target.secret('ORDER_WEBHOOK_SECRET'));

  const [rows] = d1Execute(LATEST_CLICK, { persistTo: values['persist-to'] });
  const click = rows?.[0];
  const clickHandle = typeof click?.handle === 'string' ? click.handle : undefined;
  const influencer =
    content.influencers.find((i) => i.handle === clickHandle) ??
    content.influencers.find((i) => i.status === 'approved');
  if (!influencer) {
    console.error('no approved influencer in content');
    return 1;
  }
  const listed = linkedProducts(influencer, content.products);
  const productId = typeof click?.product_id === 'string' ? click.product_id : listed[0]?.id;
  const product = content.products.find((p) => p.id === productId);
  if (!product) {
    console.error(`product "${productId}" is not in content/products`);
    return 1;
  }
  const clickId = typeof click?.click_id === 'string' ? click.click_id : undefined;
  if (clickId) {
    const age = Math.round((Date.now() - Number(click?.at)) / 60_000);
    console.log(`Using click ${clickId} of ${influencer.handle} on ${product.id}, ${age} min ago.`);
  } else {
    console.log(
      `No click in the local D1 yet; ordering ${product.id} for ${influencer.handle} without a click id.`,
    );
  }

  const orderId = `SIM-${randomBytes(6).toString('hex').toUpperCase()}`;
  const item = (quantity: number) => [
    { product_id: product.id, category: product.category, quantity, unit_price: product.price_minor },
  ];
  const steps = [
    { type: 'order.placed', items: item(2) },
    { type: 'order.shipped', items: item(2) },
    { type: 'order.returned', items: item(1) },
  ];
  const bar = progress('simulate:orders', steps.length, 'events');
  const order = {
    order_id: orderId,
    ordered_at: new Date(),
    tracking_id: influencer.tracking_id,
    click_id: clickId,
    currency: product.currency,
  };
  const { answers, failed } = await sendSteps(`${target.url}/webhooks/orders`, webhook, order, steps, bar);
  const seconds = bar.stop();
  for (const line of answers) console.log(line);
  console.log(
    `simulate:orders: ${answers.length} of ${steps.length} events sent in ${seconds} s` +
      (failed ? ', stopped at the first refusal.' : ', all accepted.'),
  );
  if (failed) return 1;
  console.log(
    `\nSee it in the stats: GET ${target.url}/api/stats/${influencer.handle} (token from the seed output).`,
  );
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
