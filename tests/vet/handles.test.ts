import { describe, expect, it } from 'vitest';
import {
  clashOf,
  newHandleProblem,
  reservedHandles,
  reservedParts,
  skeleton,
} from '../../domain/vet/handles.ts';

const reserved = reservedHandles(['amazon', 'support', 'shopfront']);
const taken = ['ana-cooks', 'mila-cooks', 'jess-home-lab', 'whisk-wendy'];

describe('skeleton', () => {
  it('folds case, drops hyphens and unifies look-alike characters', () => {
    expect(skeleton('Ana-C00ks')).toBe(skeleton('ana-cooks'));
    expect(skeleton('anacooks')).toBe(skeleton('ana-cooks'));
    expect(skeleton('rni1a-cooks')).toBe(skeleton('mila-cooks'));
    expect(skeleton('vvhisk-vvendy')).toBe(skeleton('whisk-wendy'));
    expect(skeleton('jess-home-1ab')).toBe(skeleton('jess-home-lab'));
    expect(skeleton('ana-bakes')).not.toBe(skeleton('ana-cooks'));
  });

  // Security review (issue 24): pairs the checker at 53ca318 missed.
  it.each([
    ['5/s', 'ana-5ews', 'ana-sews'],
    ['8/b', 'ana-8akes', 'ana-bakes'],
    ['cl/d', 'clee-bakes', 'dee-bakes'],
    ['c1/d', 'c1ee-bakes', 'dee-bakes'],
  ])('unifies %s: %s reads as %s', (_pair, lookAlike, original) => {
    expect(skeleton(lookAlike)).toBe(skeleton(original));
    expect(clashOf(lookAlike, reserved, [original])).toEqual({ kind: 'look-alike', other: original });
  });

  it('still tells apart handles that only share letters', () => {
    expect(skeleton('ana-sews')).not.toBe(skeleton('ana-bews'));
    expect(skeleton('dee-bakes')).not.toBe(skeleton('lee-bakes'));
  });
});

describe('clashOf', () => {
  it.each([
    ['ana-c00ks', { kind: 'look-alike', other: 'ana-cooks' }],
    ['anacooks', { kind: 'look-alike', other: 'ana-cooks' }],
    ['ana-cooks', { kind: 'taken', other: 'ana-cooks' }],
    ['amazon', { kind: 'reserved', other: 'amazon' }],
    ['api', { kind: 'reserved', other: 'api' }],
    ['arnaz0n', { kind: 'look-alike-reserved', other: 'amazon' }],
    ['supp0rt', { kind: 'look-alike-reserved', other: 'support' }],
    ['ana-bakes', null],
  ])('%s', (candidate, clash) => {
    expect(clashOf(candidate, reserved, taken)).toEqual(clash);
  });
});

describe('newHandleProblem', () => {
  it('explains why a handle cannot be used', () => {
    expect(newHandleProblem('Jane_Cooks', reserved, taken)).toBe(
      '"Jane_Cooks" must be lowercase letters, digits and inner hyphens (e.g. "jane-cooks")',
    );
    expect(newHandleProblem('jo', reserved, taken)).toBe('"jo" must be 3 to 30 characters');
    expect(newHandleProblem('shopfront', reserved, taken)).toBe('"shopfront" is reserved');
    expect(newHandleProblem('mi1a-cooks', reserved, taken)).toMatch(
      /^"mi1a-cooks" looks like the existing handle "mila-cooks"/,
    );
    expect(newHandleProblem('jane-cooks', reserved, taken)).toBeNull();
  });
});

describe('reservedParts', () => {
  it('finds reserved words used as a whole part of a handle', () => {
    expect(reservedParts('amazon-picks', reserved)).toEqual(['amazon']);
    expect(reservedParts('amazonian-reads', reserved)).toEqual([]);
    expect(reservedParts('amazon', reserved)).toEqual([]);
  });
});
