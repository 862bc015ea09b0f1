/**
 * Astro integration: the build refuses content exactly as `npm run check:content`
 * does, then writes the worker's route table from the same validated content, and,
 * once the static assets are built, the redirect's link shards and the page store beside
 * them, the image packs in place of the avatar and product image files, and the static
 * assets' security headers (`_headers`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration, AstroIntegrationLogger } from 'astro';
import { formatError, type Content } from '../domain/content/validate.ts';
import { isPackedImagePath } from '../domain/images/packs.ts';
import { DATA_PREFIX } from '../domain/links/shards.ts';
import { buildSecurityTable, headersFile, type SecurityTable } from '../domain/security/headers.ts';
import { collectionData } from './collection-data.ts';
import { forgetBuildContent, keptFromBuildContent, loadBuildContent } from './load-content.ts';
import { writeImagePacks } from './write-image-packs.ts';
import { writeLinkData, writeRouteTable } from './write-route-table.ts';
import { pageStoreCacheDir, writePageStore } from './write-page-store.ts';
import { shareCardJobs, type CardJob } from './share-card-jobs.ts';
import { shareCardBudgetMs, writeShareCards } from './share-cards.ts';
import { writeRequestBase } from './write-request-base.ts';
import { writeLiveIndex } from './write-live-index.ts';

export function contentGate(): AstroIntegration {
  let security: SecurityTable | null = null;
  let staging = '';
  let assetsDir = '';
  return {
    name: 'shopfront:content-gate',
    hooks: {
      'astro:config:setup': async ({ updateConfig, config, logger }) => {
        const root = contentDir();
        const loaded = loadBuildContent(root);
        if (loaded.errors.length > 0 || !loaded.content) {
          const lines = loaded.errors.map(formatError).join('\n');
          throw new Error(`${loaded.errors.length} content error(s) in ${root}/:\n${lines}`);
        }
        const content = loaded.content;
        if (!process.env.SITE_URL && !config.site) updateConfig({ site: content.program.site.url });
        if (process.env.SITE_URL) updateConfig({ site: process.env.SITE_URL });
        const path = writeRouteTable(content);
        logger.info(`content ok; route table written to ${path}`);
        staging = join(fileURLToPath(config.cacheDir), 'shopfront-data');
        await writeBuildData(content, root, staging, logger);
        security = buildSecurityTable(content);
        // The collections' data is all Astro still needs; the validated program goes now.
        keptFromBuildContent(root, collectionData(content));
        forgetBuildContent(root);
      },
      'astro:config:done': ({ config }) => {
        // The static assets folder (dist/client with the Cloudflare adapter).
        assetsDir = fileURLToPath(config.build.client);
      },
      'astro:build:start': () => {
        // The content collections have been filled: nothing needs their data any more.
        forgetBuildContent(contentDir());
        keptFromBuildContent(contentDir(), null);
      },
      // Packed images are not deployed as files, so the Worker's asset manifest need not list them.
      'astro:build:ssr': ({ manifest }) => {
        manifest.assets = manifest.assets.filter((path) => !isPackedImagePath(path));
      },
      'astro:build:done': ({ logger }) => {
        if (!security) return;
        moveIntoAssets(staging, assetsDir, logger);
        // Our rules first; the adapter may add its own (Cache-Control of /_astro/*) before or after us.
        const headers = join(assetsDir, '_headers');
        const others = existsSync(headers) ? readFileSync(headers, 'utf8') : '';
        writeFileSync(headers, `${headersFile(security)}\n\n${others}`);
        logger.info('security headers written to _headers');
      },
    },
  };
}

/**
 * Everything else the build derives from content is written now, so the whole program need not
 * stay in memory while Astro bundles and renders (docs/scale.md): the shards go to `staging` and
 * move into the static assets when the build is done (moveIntoAssets).
 */
async function writeBuildData(
  content: Content,
  root: string,
  staging: string,
  logger: AstroIntegrationLogger,
): Promise<void> {
  rmSync(staging, { recursive: true, force: true });
  const links = writeLinkData(content, staging);
  // Share cards before the page store: a page points its og:image at its card only when the
  // card exists (rendered now within the budget, or cached); the PNGs are packed at the end.
  const jobs: CardJob[] = shareCardJobs(
    content.influencers,
    content.program.site.name,
    process.env.SITE_URL ?? content.program.site.url,
  );
  const cards = await writeShareCards(jobs, join(staging, 'cards'), { budgetMs: shareCardBudgetMs() });
  const { ready, ...cardReport } = cards;
  logger.info(`share cards: ${JSON.stringify(cardReport)}`);
  if (cards.skipped > 0)
    logger.warn(
      `share cards: ${cards.skipped} not rendered within SHARE_CARD_BUDGET_S; their pages use the avatar until a later build (or \`npm run cards:render\`) renders them`,
    );
  const pages = writePageStore(content, staging, undefined, ready, pageStoreCacheDir());
  // What the worker vets web applications and dashboard edits against (CONTRACT.md section 15).
  writeRequestBase(content, staging);
  // The digests of the member and product files built, so the worker marks requests live.
  writeLiveIndex(root, staging);
  logger.info(
    `link data: ${links.files} shard files; page store: ${pages.files} shard files, ${pages.serialized} serialized (others from its cache)`,
  );
}

/** The staged link data, page store and share cards into the static assets, then the image packs. */
function moveIntoAssets(staging: string, assetsDir: string, logger: AstroIntegrationLogger): void {
  const data = join(staging, DATA_PREFIX);
  // Only the build's own data is deployed under /_data/ (a stray site/public/_data/ is not).
  rmSync(join(assetsDir, DATA_PREFIX), { recursive: true, force: true });
  mkdirSync(join(assetsDir, DATA_PREFIX), { recursive: true });
  for (const name of readdirSync(data)) renameSync(join(data, name), join(assetsDir, DATA_PREFIX, name));
  logger.info(`link data and page store moved into ${join(assetsDir, DATA_PREFIX)}`);
  // Share cards into the assets, so they are packed with the avatars (no file per member deployed).
  const cardDir = join(staging, 'cards', 'images', 'cards');
  if (existsSync(cardDir)) {
    rmSync(join(assetsDir, 'images', 'cards'), { recursive: true, force: true });
    mkdirSync(join(assetsDir, 'images'), { recursive: true });
    renameSync(cardDir, join(assetsDir, 'images', 'cards'));
  }
  logger.info(`image packs: ${JSON.stringify(writeImagePacks(assetsDir))}`);
}

export function contentDir(): string {
  return process.env.CONTENT_DIR ?? 'content';
}
