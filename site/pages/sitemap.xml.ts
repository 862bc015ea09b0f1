import type { APIRoute } from 'astro';
import { loadCatalog } from '../lib/load-catalog.ts';
import { sitemapIndexXml } from '../lib/sitemap.ts';

export const GET: APIRoute = async ({ site }) =>
  new Response(sitemapIndexXml(await loadCatalog(), site), {
    headers: { 'Content-Type': 'application/xml; charset=utf-8' },
  });
