/**
 * Astro integration: the build refuses content exactly as `npm run check:content`
 * does, then writes the worker's route table from the same validated content, and,
 * once the static assets are built, the redirect's link shards and the page store beside
 * them, the image packs in place of the avatar and product image files, and the static
 * assets' security headers (`_headers`).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import { formatError, type Content } from '../../domain/content/validate.ts';
import { isPackedImagePath } from '../../domain/images/packs.ts';
import { buildSecurityTable, headersFile } from '../../domain/security/headers.ts';
import { loadContent } from './load-content.ts';
import { writeImagePacks } from './write-image-packs.ts';
import { writeLinkData, writeRouteTable } from './write-route-table.ts';
import { writePageStore } from './write-page-store.ts';

export function contentGate(): AstroIntegration {
  let content: Content | null = null;
  let assetsDir = '';
  return {
    name: 'shopfront:content-gate',
    hooks: {
      'astro:config:setup': ({ updateConfig, config, logger }) => {
        const root = contentDir();
        const loaded = loadContent(root);
        if (loaded.errors.length > 0 || !loaded.content) {
          const lines = loaded.errors.map(formatError).join('\n');
          throw new Error(`${loaded.errors.length} content error(s) in ${root}/:\n${lines}`);
        }
        content = loaded.content;
        if (!process.env.SITE_URL && !config.site) updateConfig({ site: content.program.site.url });
        if (process.env.SITE_URL) updateConfig({ site: process.env.SITE_URL });
        const path = writeRouteTable(content);
        logger.info(`content ok; route table written to ${path}`);
      },
      'astro:config:done': ({ config }) => {
        // The static assets folder (dist/client with the Cloudflare adapter).
        assetsDir = fileURLToPath(config.build.client);
      },
      // Packed images are not deployed as files, so the Worker's asset manifest need not list them.
      'astro:build:ssr': ({ manifest }) => {
        manifest.assets = manifest.assets.filter((path) => !isPackedImagePath(path));
      },
      'astro:build:done': ({ logger }) => {
        if (!content) return;
        const { files, written } = writeLinkData(content, assetsDir);
        logger.info(`link data: ${files} shard files, ${written} (re)written in ${assetsDir}`);
        const pages = writePageStore(content, assetsDir);
        logger.info(`page store: ${pages.files} shard files, ${pages.written} (re)written`);
        logger.info(`image packs: ${JSON.stringify(writeImagePacks(assetsDir))}`);
        // Our rules first; the adapter may add its own (Cache-Control of /_astro/*) before or after us.
        const headers = join(assetsDir, '_headers');
        const others = existsSync(headers) ? readFileSync(headers, 'utf8') : '';
        writeFileSync(headers, `${headersFile(buildSecurityTable(content))}\n\n${others}`);
        logger.info('security headers written to _headers');
      },
    },
  };
}

export function contentDir(): string {
  return process.env.CONTENT_DIR ?? 'content';
}
