/**
 * Share cards (build/share-cards.ts): a decodable 1200x630 PNG, two members' cards differ,
 * a second build renders nothing that did not change (the card cache), and a build renders the
 * cards new or changed since the last one before the backlog (the render order).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { validateContent } from '../../domain/content/validate.ts';
import { readContentSources } from '../../build/load-content.ts';
import { renderOrder, renderShareCard, shareCardBudgetMs, writeShareCards } from '../../build/share-cards.ts';
import { shareCardJobs } from '../../build/share-card-jobs.ts';

const dir = mkdtempSync(join(tmpdir(), 'share-cards-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Width, height and the decoded pixel rows of a PNG (8-bit RGB or RGBA, no interlace): a real decode. */
function decodePng(png: Uint8Array): { width: number; height: number; pixels: Buffer } {
  const b = Buffer.from(png);
  expect(b.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  let at = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (at < b.length) {
    const length = b.readUInt32BE(at);
    const type = b.subarray(at + 4, at + 8).toString('latin1');
    const data = b.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      expect(data[8]).toBe(8);
      channels = data[9] === 6 ? 4 : data[9] === 2 ? 3 : 0;
      expect(data[12]).toBe(0);
    }
    if (type === 'IDAT') idat.push(data);
    at += 12 + length;
  }
  expect(channels).toBeGreaterThan(0);
  const pixels = inflateSync(Buffer.concat(idat));
  expect(pixels.length).toBe(height * (1 + width * channels));
  return { width, height, pixels };
}

function jobs() {
  const { content, errors } = validateContent(readContentSources('tests/fixtures/content'));
  if (!content) throw new Error(JSON.stringify(errors));
  return shareCardJobs(content.influencers, content.program.site.name, content.program.site.url);
}

describe('share cards', () => {
  it('are a card per approved storefront and list, and one for the site', () => {
    expect(jobs().map((j) => j.path)).toEqual([
      '/images/cards/_site.png',
      '/images/cards/ana-cooks.png',
      '/images/cards/ana-cooks/pan-basics.png',
    ]);
    const ana = jobs()[1];
    expect(ana).toMatchObject({
      title: 'Ana Cooks',
      lines: ['Pan basics'],
      avatar: '/images/avatars/mila-cooks.png',
    });
  });

  it('render a decodable 1200x630 PNG, and two members get different cards', async () => {
    const [, ana] = jobs();
    if (!ana) throw new Error('no card');
    const one = await renderShareCard(ana, 'site/public');
    const other = await renderShareCard(
      {
        ...ana,
        path: '/images/cards/ben.png',
        title: 'Ben Bakes',
        name: 'Ben Bakes',
        seed: 'ben-bakes',
        avatar: undefined,
      },
      'site/public',
    );
    const a = decodePng(one);
    const b = decodePng(other);
    expect([a.width, a.height]).toEqual([1200, 630]);
    expect([b.width, b.height]).toEqual([1200, 630]);
    expect(a.pixels.equals(b.pixels)).toBe(false);
  });

  it('render only what changed: a second build with one change renders one card', async () => {
    const cache = join(dir, 'cards.bin');
    const out = join(dir, 'client');
    const all = jobs();
    const options = { cacheFile: cache };
    expect(await writeShareCards(all, out, options)).toMatchObject({ cards: 3, rendered: 3, skipped: 0 });
    const first = readFileSync(join(out, 'images/cards/ana-cooks.png'));
    expect(await writeShareCards(all, out, options)).toMatchObject({ cards: 3, rendered: 0 });
    const changed = all.map((j) =>
      j.path.endsWith('pan-basics.png') ? { ...j, title: 'Pans, basically' } : j,
    );
    expect(await writeShareCards(changed, out, options)).toMatchObject({ cards: 3, rendered: 1 });
    expect(readFileSync(join(out, 'images/cards/ana-cooks.png')).equals(first)).toBe(true);
  });

  it('render within a time budget: the site card always, cached cards always, the rest in later builds', async () => {
    const cache = join(dir, 'budget.bin');
    const all = jobs().map((j) => ({ ...j, seed: `${j.seed}-budget` }));
    const none = await writeShareCards(all, null, { cacheFile: cache, budgetMs: 0 });
    expect(none).toMatchObject({ rendered: 1, skipped: 2 });
    expect([...none.ready]).toEqual(['/images/cards/_site.png']);
    const rest = await writeShareCards(all, null, { cacheFile: cache });
    expect(rest).toMatchObject({ rendered: 2, skipped: 0 });
    const later = await writeShareCards(all, null, { cacheFile: cache, budgetMs: 0 });
    expect(later).toMatchObject({ rendered: 0, skipped: 0 });
    expect(later.ready.size).toBe(3);
  });

  it('render the site card, then cards new or changed since the last run, then the backlog', async () => {
    const paths = ['/site', '/a', '/b', '/c', '/d'];
    const last = new Map([
      ['/a', 'A'],
      ['/b', 'B'],
      ['/d', 'D'],
    ]);
    // /b changed, /c is new, /a and /d are as last time.
    expect(renderOrder(paths, ['S', 'A', 'B2', 'C', 'D'], last)).toEqual([0, 2, 3, 1, 4]);
    expect(renderOrder(paths, ['S', 'A', 'B2', 'C', 'D'], null)).toEqual([0, 1, 2, 3, 4]);
    const cache = join(dir, 'order.bin');
    const all = jobs().map((j) => ({ ...j, seed: `${j.seed}-order` }));
    await writeShareCards(all, null, { cacheFile: cache, budgetMs: 0 });
    const changed = all.map((j) => (j.path.endsWith('pan-basics.png') ? { ...j, title: 'Pans' } : j));
    const next = await writeShareCards(changed, null, { cacheFile: cache });
    expect(next).toMatchObject({ rendered: 2, skipped: 0 });
    // The changed list card went before its storefront's card, still a backlog card.
    expect([...next.ready]).toEqual([
      '/images/cards/_site.png',
      '/images/cards/ana-cooks/pan-basics.png',
      '/images/cards/ana-cooks.png',
    ]);
  });

  it('a build spends at most SHARE_CARD_BUDGET_S on cards, 10 s unless set', () => {
    const saved = process.env.SHARE_CARD_BUDGET_S;
    try {
      delete process.env.SHARE_CARD_BUDGET_S;
      expect(shareCardBudgetMs()).toBe(10_000);
      process.env.SHARE_CARD_BUDGET_S = '0';
      expect(shareCardBudgetMs()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.SHARE_CARD_BUDGET_S;
      else process.env.SHARE_CARD_BUDGET_S = saved;
    }
  });
});
