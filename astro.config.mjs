// @ts-check
import { defineConfig } from 'astro/config';
import cloudflare from '@astrojs/cloudflare';
import { contentGate } from './build/content-gate.ts';

export default defineConfig({
  srcDir: './site',
  publicDir: './site/public',
  trailingSlash: 'always',
  output: 'static',
  build: { format: 'directory', inlineStylesheets: 'always' },
  compressHTML: true,
  devToolbar: { enabled: false },
  adapter: cloudflare({
    // Prerendering in Node is about 7x faster than in workerd for large programs.
    prerenderEnvironment: 'node',
    imageService: 'passthrough',
  }),
  // Validates all content (same rules as `npm run check:content`), sets `site`
  // from program.yaml and writes the worker's route table.
  integrations: [contentGate()],
});
