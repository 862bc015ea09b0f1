/**
 * Image packs (domain/images/packs.ts, build/write-image-packs.ts): every image comes
 * back from the pack `imagePackOf` names with its own bytes, type and ETag; the bytes of a pack
 * depend only on its images; a rebuild rewrites only the packs a change touched; and the
 * build deletes the packed files and nothing else.
 */
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  decodePack,
  encodePack,
  imageFromPack,
  imagePackOf,
  imagePackPath,
  imageTypeOf,
  isPackedImagePath,
  MAX_PACK_BYTES,
  packImages,
  type ImageFile,
} from '../../domain/images/packs.ts';
import { SHARDS } from '../../domain/links/shards.ts';
import { packImageFiles, writeImagePacks } from '../../build/write-image-packs.ts';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64url');
const image = (path: string, bytes: Uint8Array): ImageFile => ({ path, bytes, sha256: sha256(bytes) });

const imageArb = fc
  .tuple(
    fc.constantFrom('/images/avatars/', '/images/products/', '/images/products/sub/'),
    fc.stringMatching(/^[a-z0-9][a-z0-9._ -]{0,20}$/),
    fc.constantFrom('png', 'jpg', 'jpeg', 'webp', 'avif', 'svg', 'PNG'),
    fc.uint8Array({ maxLength: 300 }),
  )
  .map(([dir, name, ext, bytes]) => image(`${dir}${name}.${ext}`, bytes));
const imagesArb = fc.uniqueArray(imageArb, { selector: (i) => i.path, maxLength: 40 });

describe('image packs', () => {
  it('give back every image from the pack its path names, byte for byte, and nothing else', () => {
    fc.assert(
      fc.property(imagesArb, fc.integer({ min: 1, max: 9 }), (images, count) => {
        const packs = packImages(images, count).map(decodePack);
        expect(packs).toHaveLength(count);
        for (const img of images) {
          const pack = packs[imagePackOf(img.path, count)];
          if (!pack) throw new Error('no pack');
          const back = imageFromPack(pack, img.path);
          expect(back).not.toBeNull();
          expect([...(back?.body ?? [])]).toEqual([...img.bytes]);
          expect(back?.type).toBe(imageTypeOf(img.path));
          expect(back?.etag).toBe(`"${img.sha256}"`);
        }
        expect(packs.reduce((n, p) => n + p.entries.size, 0)).toBe(images.length);
        for (const pack of packs) expect(imageFromPack(pack, '/images/avatars/nobody.png')).toBeNull();
      }),
    );
  });

  it('have bytes that depend only on the images, not their order', () => {
    fc.assert(
      fc.property(imagesArb, (images) => {
        const a = packImages(images, 4);
        const b = packImages([...images].reverse(), 4);
        a.forEach((bytes, i) => expect(Buffer.from(bytes).equals(Buffer.from(b[i] ?? []))).toBe(true));
      }),
    );
  });

  it('serve each image with its content type, and refuse a file that is not an image, naming it', () => {
    expect(imageTypeOf('/images/avatars/a.png')).toBe('image/png');
    expect(imageTypeOf('/images/avatars/a.JPG')).toBe('image/jpeg');
    expect(imageTypeOf('/images/avatars/a.avif')).toBe('image/avif');
    expect(imageTypeOf('/images/products/a.svg')).toBe('image/svg+xml');
    expect(imageTypeOf('/images/avatars/notes.txt')).toBeNull();
    expect(() => encodePack([image('/images/avatars/notes.txt', new Uint8Array(3))])).toThrow(
      '/images/avatars/notes.txt: not an image file',
    );
    const one = image('/images/avatars/a.png', new Uint8Array([1]));
    expect(() => encodePack([one, one])).toThrow('/images/avatars/a.png: packed twice');
  });

  it('refuse a pack over the 25 MiB a static asset may hold, naming its largest images', () => {
    const big = image('/images/avatars/huge.png', new Uint8Array(MAX_PACK_BYTES));
    const small = image('/images/avatars/small.png', new Uint8Array(10));
    expect(() => packImages([big, small], 1)).toThrow(
      /^\/_data\/images\/0\.bin: 2 images make 25\.0 MiB, over the 25\.0 MiB .*largest: \/images\/avatars\/huge\.png \(25\.0 MiB\), \/images\/avatars\/small\.png/,
    );
    expect(
      packImages([image('/images/avatars/a.png', new Uint8Array(MAX_PACK_BYTES - 200))], 1),
    ).toHaveLength(1);
  });

  it('refuse to read bytes that are not a whole pack', () => {
    const pack = encodePack([image('/images/avatars/a.png', new Uint8Array([1, 2, 3]))]);
    expect(decodePack(pack).entries.size).toBe(1);
    expect(() => decodePack(pack.slice(0, pack.length - 1))).toThrow('index lists');
    expect(() => decodePack(pack.slice(0, 10))).toThrow();
    expect(() => decodePack(new TextEncoder().encode('{"not":"a pack"}'))).toThrow('not an image pack');
    const tooLong = pack.slice();
    new DataView(tooLong.buffer).setUint32(8, 1 << 30, true);
    expect(() => decodePack(tooLong)).toThrow('index runs past');
  });

  it('cover avatars and product images only', () => {
    const packed = ['/images/avatars/a.png', '/images/products/B0001.svg'];
    const others = ['/images/avatars/', '/images/members/a/b.png', '/favicon.svg'];
    expect([...packed, ...others].filter(isPackedImagePath)).toEqual(packed);
  });
});

describe('writing image packs', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  function temp(): string {
    const dir = mkdtempSync(join(tmpdir(), 'shopfront-image-packs-'));
    dirs.push(dir);
    return dir;
  }
  function put(root: string, path: string, bytes: Uint8Array | string) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), bytes);
  }
  const packFiles = (root: string) => readdirSync(join(root, '_data', 'images'));

  it('write a fixed number of packs, then rewrite only the ones whose bytes changed', () => {
    const site = temp();
    const assets = temp();
    for (let i = 0; i < 200; i++) put(site, `images/avatars/creator-${i}.png`, `avatar ${i}`);
    put(site, 'images/products/B0001.svg', '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const first = packImageFiles(site, assets);
    expect(first).toMatchObject({ images: 201, files: SHARDS.images, written: SHARDS.images });
    expect(packFiles(assets)).toHaveLength(SHARDS.images);
    expect(packImageFiles(site, assets).written).toBe(0);
    put(site, 'images/avatars/creator-7.png', 'a new avatar');
    expect(packImageFiles(site, assets).written).toBe(1);
    const pack = decodePack(
      new Uint8Array(readFileSync(join(assets, imagePackPath(imagePackOf('/images/avatars/creator-7.png'))))),
    );
    const back = imageFromPack(pack, '/images/avatars/creator-7.png');
    expect(new TextDecoder().decode(back?.body)).toBe('a new avatar');
    // Packs of another count are removed, so none is left behind with stale images.
    expect(packImageFiles(site, assets, 8).files).toBe(8);
    expect(packFiles(assets).sort()).toEqual([
      '0.bin',
      '1.bin',
      '2.bin',
      '3.bin',
      '4.bin',
      '5.bin',
      '6.bin',
      '7.bin',
    ]);
  });

  it('at build end, delete the packed image files and leave every other static file', () => {
    const assets = temp();
    put(assets, 'images/avatars/ana.png', 'ana');
    put(assets, 'images/products/sub/B0001.webp', 'product');
    put(assets, 'images/members/ana/shelf.png', 'member');
    put(assets, 'favicon.svg', '<svg/>');
    put(assets, 'index.html', '<!doctype html>');
    const report = writeImagePacks(assets);
    expect(report).toMatchObject({ images: 2, files: SHARDS.images });
    expect(existsSync(join(assets, 'images', 'avatars'))).toBe(false);
    expect(existsSync(join(assets, 'images', 'products'))).toBe(false);
    for (const kept of ['images/members/ana/shelf.png', 'favicon.svg', 'index.html'])
      expect(existsSync(join(assets, kept)), kept).toBe(true);
    const path = '/images/products/sub/B0001.webp';
    const pack = decodePack(new Uint8Array(readFileSync(join(assets, imagePackPath(imagePackOf(path))))));
    expect(imageFromPack(pack, path)?.type).toBe('image/webp');
  });

  it('fail the build on a file that is not an image, naming it, and delete nothing', () => {
    const assets = temp();
    put(assets, 'images/avatars/ana.png', 'ana');
    put(assets, 'images/avatars/notes.txt', 'hello');
    expect(() => writeImagePacks(assets)).toThrow('/images/avatars/notes.txt: not an image file');
    expect(existsSync(join(assets, 'images/avatars/ana.png'))).toBe(true);
  });
});
