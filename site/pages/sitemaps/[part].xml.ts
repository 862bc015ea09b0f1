/** The sitemap files the index at /sitemap.xml names, 50,000 URLs each. */
import type { APIRoute, GetStaticPaths } from 'astro';
import { loadDirectory } from '../../lib/load-directory.ts';
import { sitemapParts, sitemapXml } from '../../lib/sitemap.ts';

export const getStaticPaths = (async () => {
  const parts = sitemapParts(await loadDirectory());
  return Array.from({ length: parts }, (_, i) => ({
    params: { part: String(i + 1) },
    props: { part: i + 1 },
  }));
}) satisfies GetStaticPaths;

export const GET: APIRoute<{ part: number }> = async ({ site, props }) =>
  new Response(sitemapXml(await loadDirectory(), site, props.part), {
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
  });
