import type { APIRoute } from 'astro';
import { loadDirectory } from '../lib/load-directory.ts';
import { sitemapIndexXml } from '../lib/sitemap.ts';

export const GET: APIRoute = async ({ site }) =>
  new Response(sitemapIndexXml(await loadDirectory(), site), {
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
  });
