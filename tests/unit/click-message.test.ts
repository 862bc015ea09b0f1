/**
 * The click message's two versions (domain/clicks/message.ts): v2 (positional, what logClick
 * queues) reads back as exactly the clicks it was made of, over JSON and over V8's
 * serialization alike; v1 (named, queued by earlier versions) still reads; a malformed v2 is
 * refused with the path of the bad field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  clickMessage,
  clickMessageOf,
  clickRecord,
  encodeClick,
  incompleteReason,
  MAX_CLICKS_PER_MESSAGE,
  type ClickRecord,
} from '../../domain/clicks/message.ts';
import { clickFlag } from '../../domain/clicks/flags.ts';

const text = (min: number, max: number) => fc.string({ minLength: min, maxLength: max, unit: 'binary' });
const nullable = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });

/** Any valid click as the redirect makes it (marketplace always present, null or not). */
const anyClick: fc.Arbitrary<ClickRecord> = fc.record(
  {
    click_id: text(16, 64),
    at: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
    handle: text(1, 64),
    product_id: nullable(text(0, 64)),
    src: nullable(text(0, 32)),
    referrer_host: nullable(text(0, 255)),
    country: nullable(text(0, 8)),
    marketplace: nullable(text(0, 64)),
    device: fc.constantFrom(...clickRecord.shape.device.options),
    visitor_hash: nullable(text(1, 64)),
    is_bot: fc.boolean(),
    bot_reason: nullable(text(0, 32)),
    method: fc.constantFrom('GET' as const, 'HEAD' as const),
    incomplete: fc.array(fc.constantFrom(...incompleteReason.options), { maxLength: 8 }),
    flags: fc.array(fc.constantFrom(...clickFlag.options), { maxLength: 3 }),
  },
  // incomplete and flags are left out of some clicks (fc.record drops optional keys at random).
  {
    noNullPrototype: true,
    requiredKeys: Object.keys(clickRecord.shape).filter(
      (key) => !['incomplete', 'flags'].includes(key),
    ) as never,
  },
);

const clicksOf = (body: unknown) => clickMessage.parse(body);

describe('click message v2', () => {
  it('decodes to exactly the clicks it encodes, through JSON and V8 serialization', () => {
    fc.assert(
      fc.property(fc.array(anyClick, { minLength: 1, maxLength: MAX_CLICKS_PER_MESSAGE }), (clicks) => {
        // Every generated click is a valid record (else the property would prove nothing).
        for (const click of clicks) expect(clickRecord.parse(click)).toStrictEqual(click);
        const message = clickMessageOf(clicks);
        expect(clicksOf(message)).toStrictEqual(clicks);
        expect(clicksOf(JSON.parse(JSON.stringify(message)))).toStrictEqual(clicks);
        expect(clicksOf(structuredClone(message))).toStrictEqual(clicks);
        // The v1 message of the same clicks reads as the same clicks.
        expect(clicksOf({ v: 1, clicks })).toStrictEqual(clicks);
      }),
      { numRuns: 300 },
    );
  });

  it('leaves absent trailing fields out, and keeps an empty list apart from an absent one', () => {
    const base: ClickRecord = {
      click_id: 'c'.repeat(22),
      at: 1_796_600_000_000,
      handle: 'ana',
      product_id: 'B09TQ7ZCS2',
      src: 'ig',
      referrer_host: 'l.instagram.com',
      country: 'US',
      marketplace: 'amazon-us',
      device: 'mobile',
      visitor_hash: 'v'.repeat(22),
      is_bot: false,
      bot_reason: null,
      method: 'GET',
    };
    expect(encodeClick(base)).toHaveLength(13);
    expect(encodeClick({ ...base, incomplete: ['src:invalid'] })).toHaveLength(14);
    expect(encodeClick({ ...base, flags: ['no_activation'] }).slice(13)).toEqual([null, ['no_activation']]);
    expect(clicksOf(clickMessageOf([{ ...base, incomplete: [] }]))).toStrictEqual([
      { ...base, incomplete: [] },
    ]);
    // A click without marketplace (a v1 click queued before migration 0016) is stored as NULL either way.
    const { marketplace: _, ...old } = base;
    expect(clicksOf(clickMessageOf([old]))).toStrictEqual([{ ...old, marketplace: null }]);
  });

  it('refuses a malformed v2 message and names the bad field', () => {
    const good = encodeClick({
      click_id: 'c'.repeat(22),
      at: 1,
      handle: 'ana',
      product_id: null,
      src: null,
      referrer_host: null,
      country: null,
      marketplace: null,
      device: 'desktop',
      visitor_hash: null,
      is_bot: false,
      bot_reason: null,
      method: 'GET',
    });
    const refused = (c: unknown) => {
      const result = clickMessage.safeParse({ v: 2, c });
      expect(result.success).toBe(false);
      return result.error?.issues.map((i) => i.path.join('.'));
    };
    expect(refused([good.slice(0, 12)])).toEqual(['c.0']); // a field missing
    expect(refused([[...good, null, [], []]])).toEqual(['c.0']); // a field too many
    expect(refused([good.with(8, 'fridge')])).toEqual(['c.0.8']); // device
    expect(refused([good.with(1, '1')])).toEqual(['c.0.1']); // at as text
    expect(refused([[...good, ['bogus']]])).toEqual(['c.0.13.0']); // an unknown incomplete reason
    expect(refused([])).toEqual(['c']); // no click
    expect(clickMessage.safeParse({ v: 3, c: [good] }).success).toBe(false);
    expect(clickMessage.safeParse({ v: 2, clicks: [good] }).success).toBe(false);
  });
});
