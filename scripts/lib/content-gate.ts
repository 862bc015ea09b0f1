/**
 * Astro integration: the build refuses content exactly as `npm run check:content`
 * does, then writes the worker's route table from the same validated content.
 */
import type { AstroIntegration } from 'astro';
import { formatError } from '../../domain/content/validate.ts';
import { loadContent } from './load-content.ts';
import { writeRouteTable } from './write-route-table.ts';

export function contentGate(): AstroIntegration {
  return {
    name: 'shopfront:content-gate',
    hooks: {
      'astro:config:setup': ({ updateConfig, config, logger }) => {
        const root = contentDir();
        const { content, errors } = loadContent(root);
        if (errors.length > 0 || !content) {
          const lines = errors.map(formatError).join('\n');
          throw new Error(`${errors.length} content error(s) in ${root}/:\n${lines}`);
        }
        if (!process.env.SITE_URL && !config.site) updateConfig({ site: content.program.site.url });
        if (process.env.SITE_URL) updateConfig({ site: process.env.SITE_URL });
        const path = writeRouteTable(content);
        logger.info(`content ok; route table written to ${path}`);
      },
    },
  };
}

export function contentDir(): string {
  return process.env.CONTENT_DIR ?? 'content';
}
