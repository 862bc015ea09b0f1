/**
 * Content collections read the YAML in content/ with the same schemas the CLI
 * scripts use; cross-file rules run in the content gate before the build starts.
 */
import { defineCollection } from 'astro:content';
import { glob, file } from 'astro/loaders';
import { parse } from 'yaml';
import { z } from 'zod';
import { member, product, retailer, category, programFile } from '../domain/content/schema.ts';

const root = process.env.CONTENT_DIR ?? 'content';

const influencers = defineCollection({
  loader: glob({ pattern: '*.{yaml,yml}', base: `${root}/influencers` }),
  // Influencers and associates: one schema for both (associates get no page).
  schema: member,
});

const products = defineCollection({
  loader: glob({ pattern: '*.{yaml,yml}', base: `${root}/products` }),
  schema: product,
});

const retailers = defineCollection({
  loader: file(`${root}/retailers.yaml`, { parser: (text) => parseList(text, 'retailers') }),
  schema: retailer,
});

const categories = defineCollection({
  loader: file(`${root}/program.yaml`, { parser: (text) => parseList(text, 'categories') }),
  schema: category,
});

/** program.yaml's `site` block (public name and URL) as a one-entry collection. */
const site = defineCollection({
  loader: file(`${root}/program.yaml`, { parser: (text) => [{ ...parseMap(text, 'site'), id: 'site' }] }),
  schema: programFile.shape.site.extend({ id: z.literal('site') }),
});

function parseDoc(text: string): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(parse(text));
}

/** The array under `key` of a validated YAML file (the content gate checked its shape). */
function parseList(text: string, key: string): Record<string, unknown>[] {
  return z.array(z.record(z.string(), z.unknown())).parse(parseDoc(text)[key]);
}

/** The mapping under `key` of a validated YAML file. */
function parseMap(text: string, key: string): Record<string, unknown> {
  return z.record(z.string(), z.unknown()).parse(parseDoc(text)[key]);
}

export const collections = { influencers, products, retailers, categories, site };
