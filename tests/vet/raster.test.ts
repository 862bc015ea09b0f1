/**
 * Images are judged by their bytes. The fixtures in tests/fixtures/images are real
 * files written by ImageMagick (40×30 each); hostile files are built here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../domain/vet/raster.ts';
import { concat, makePng } from './images.ts';

const fixture = (name: string) => new Uint8Array(readFileSync(`tests/fixtures/images/${name}`));
const bytes = (text: string) => new TextEncoder().encode(text);
describe('inspectImage', () => {
  it.each([
    ['tiny.png', 'png'],
    ['tiny.jpg', 'jpeg'],
    ['tiny.webp', 'webp'],
    ['tiny-lossless.webp', 'webp'],
    ['tiny-alpha.webp', 'webp'],
    ['tiny.avif', 'avif'],
  ])('reads %s as %s, 40×30', (name, type) => {
    expect(inspectImage(fixture(name))).toEqual({ ok: true, type, width: 40, height: 30 });
  });

  it('reads the pixel size of a PNG from its header', () => {
    expect(inspectImage(makePng(192, 64))).toEqual({ ok: true, type: 'png', width: 192, height: 64 });
  });

  it.each([
    [
      'an SVG with a script',
      bytes('<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/dashboard/admin/")</script></svg>'),
      'is an SVG image; only PNG, JPEG, WebP or AVIF are accepted (SVG can carry script)',
    ],
    [
      'an SVG behind an XML declaration',
      bytes('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'),
      'is an SVG image; only PNG, JPEG, WebP or AVIF are accepted (SVG can carry script)',
    ],
    [
      'an HTML page',
      bytes('<!doctype html><script>alert(1)</script>'),
      'is markup (HTML or XML), not an image',
    ],
    [
      'a script',
      bytes('alert(document.cookie)'),
      'is not a PNG, JPEG, WebP or AVIF image (checked by its content)',
    ],
    [
      'a GIF',
      bytes('GIF89a\x01\x00\x01\x00'),
      'is not a PNG, JPEG, WebP or AVIF image (checked by its content)',
    ],
    [
      'a PNG with a page appended',
      concat(makePng(4, 4), bytes('<html><script>alert(1)</script>')),
      "has 31 bytes after the PNG's end",
    ],
    [
      'a PNG with a script in a text chunk',
      makePng(4, 4, ['tEXt', bytes('Comment\0<script>alert(1)</script>')]),
      'contains HTML or script markup inside the image data',
    ],
    [
      'a JPEG with a page appended',
      concat(fixture('tiny.jpg'), bytes('<html>')),
      "has data after the JPEG's end (or is truncated)",
    ],
    ['a truncated PNG', makePng(4, 4).subarray(0, 40), 'is a truncated PNG (no IEND chunk)'],
    [
      'an MP4',
      concat(new Uint8Array([0, 0, 0, 16]), bytes('ftypisom'), bytes('isom')),
      'is an ISO media file (brands isom), not an AVIF image',
    ],
  ])('refuses %s', (_name, data, message) => {
    expect(inspectImage(data)).toEqual({ ok: false, message });
  });

  it('refuses images over the size and pixel limits', () => {
    expect(inspectImage(makePng(5000, 2))).toEqual({
      ok: false,
      message: 'is 5000×2 pixels; images may be at most 4096 pixels on each side',
    });
    expect(inspectImage(makePng(8, 8), { maxBytes: 50, maxSide: 4096 })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^is \d+ bytes; images may be at most 50 bytes$/),
    });
  });
});
