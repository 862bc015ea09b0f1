/**
 * Images are judged by their bytes. The fixtures in tests/fixtures/images are real
 * files written by ImageMagick (40×30 each); hostile files are built here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inspectImage } from '../../domain/vet/raster.ts';
import {
  box,
  concat,
  makeApng,
  makeAvif,
  makePng,
  riffChunk,
  TIFF,
  webpChunks,
  webpOf,
  withJpegSegment,
} from './images.ts';

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
      "has 6 bytes after the JPEG's end",
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

  /**
   * Findings of the security review (issue 24), each refused here and accepted by the
   * checker at commit 53ca318.
   */
  describe('hostile files the security review found', () => {
    const jpg = fixture('tiny.jpg');
    const eoi = new Uint8Array([0xff, 0xd9]);
    // A ZIP's local header and a payload: no markup, so only the structure can refuse it.
    const zip = concat(new Uint8Array([0x50, 0x4b, 0x03, 0x04]), bytes('payload.bin hidden data'));
    const vp8x = (w: number, h: number, flags = 0) =>
      riffChunk(
        'VP8X',
        new Uint8Array([flags, 0, 0, 0, (w - 1) & 0xff, (w - 1) >> 8, 0, (h - 1) & 0xff, (h - 1) >> 8, 0]),
      );
    const anmf = riffChunk('ANMF', new Uint8Array(16));

    it.each([
      [
        'a JPEG with data appended before a final FF D9',
        concat(jpg, zip, eoi),
        "has 29 bytes after the JPEG's end",
      ],
      [
        'a JPEG with a second image appended',
        concat(jpg, jpg),
        `has ${jpg.length} bytes after the JPEG's end`,
      ],
      [
        'an AVIF with data appended',
        makeAvif({ after: zip }),
        "has data after the AVIF's end or is truncated (the 27 bytes from offset 156 are not a whole box)",
      ],
      [
        'an AVIF with an unknown box appended',
        makeAvif({ after: box('zzzz', zip) }),
        'has an unexpected "zzzz" box after the AVIF\'s image data',
      ],
      [
        'an SVG tag inside a PNG text chunk',
        makePng(4, 4, ['tEXt', bytes('Comment\0<svg onload=alert(1)>')]),
        'contains HTML or script markup inside the image data',
      ],
      [
        'an onerror handler inside a PNG text chunk',
        makePng(4, 4, ['tEXt', bytes('Comment\0x" onerror="alert(1)')]),
        'contains HTML or script markup inside the image data',
      ],
      [
        'an SVG tag inside a JPEG comment',
        withJpegSegment(jpg, 0xfe, bytes('<svg/onload=alert(1)>')),
        'contains HTML or script markup inside the image data',
      ],
      [
        'a JPEG with EXIF',
        withJpegSegment(jpg, 0xe1, concat(bytes('Exif\0\0'), TIFF)),
        expect.stringMatching(/^carries EXIF metadata \(camera, time and often the GPS position/),
      ],
      [
        'a JPEG with XMP',
        withJpegSegment(jpg, 0xe1, bytes('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta/>')),
        expect.stringMatching(/^carries XMP metadata/),
      ],
      [
        'a PNG with an eXIf chunk',
        makePng(4, 4, ['eXIf', TIFF]),
        expect.stringMatching(/^carries EXIF metadata/),
      ],
      [
        'a PNG with EXIF in a text chunk',
        makePng(4, 4, ['zTXt', bytes('Raw profile type exif\0\0x')]),
        expect.stringMatching(/^carries EXIF metadata/),
      ],
      [
        'a WebP with an EXIF chunk',
        webpOf(vp8x(40, 30, 0x08), riffChunk('EXIF', TIFF), webpChunks(fixture('tiny.webp'))),
        expect.stringMatching(/^carries EXIF metadata/),
      ],
      [
        'an AVIF with an Exif item',
        makeAvif({ items: ['Exif'] }),
        expect.stringMatching(/^carries EXIF metadata/),
      ],
      [
        'an APNG declaring 1000 frames',
        makeApng(8, 8, 1000),
        'is an animation of 1000 frames; images may have at most 60 frames',
      ],
      [
        'an APNG with 61 frame controls',
        makeApng(8, 8, 1, 61),
        'is an animation of 61 frames; images may have at most 60 frames',
      ],
      [
        'an animated WebP of 61 frames',
        webpOf(
          vp8x(8, 8, 0x02),
          riffChunk('ANIM', new Uint8Array(6)),
          ...Array.from({ length: 61 }, () => anmf),
        ),
        'is an animation of 61 frames; images may have at most 60 frames',
      ],
      [
        'an AVIF sequence of 500 frames',
        makeAvif({ frames: 500 }),
        'is an animation of 500 frames; images may have at most 60 frames',
      ],
      [
        'an animation too large in all its frames',
        makeApng(2000, 2000, 20),
        'is an animation of 20 frames of 2000×2000 pixels; an animation may hold at most 67108864 pixels in all its frames',
      ],
    ])('refuses %s', (_name, data, message) => {
      expect(inspectImage(data)).toEqual({ ok: false, message });
    });

    it('still accepts clean files of the same shapes', () => {
      expect(inspectImage(makeAvif())).toEqual({ ok: true, type: 'avif', width: 40, height: 30 });
      expect(inspectImage(makeAvif({ frames: 12 }))).toEqual({
        ok: true,
        type: 'avif',
        width: 40,
        height: 30,
      });
      expect(inspectImage(makeApng(8, 8, 3, 3))).toEqual({ ok: true, type: 'png', width: 8, height: 8 });
      expect(
        inspectImage(webpOf(vp8x(8, 8, 0x02), riffChunk('ANIM', new Uint8Array(6)), anmf, anmf)),
      ).toEqual({
        ok: true,
        type: 'webp',
        width: 8,
        height: 8,
      });
      // A JPEG comment segment and the JFIF header are not personal metadata.
      expect(inspectImage(withJpegSegment(jpg, 0xfe, bytes('Made with love')))).toEqual({
        ok: true,
        type: 'jpeg',
        width: 40,
        height: 30,
      });
    });

    it('refuses a GIF, animated or not (only PNG, JPEG, WebP and AVIF are accepted)', () => {
      expect(inspectImage(concat(bytes('GIF89a'), new Uint8Array(20)))).toEqual({
        ok: false,
        message: 'is not a PNG, JPEG, WebP or AVIF image (checked by its content)',
      });
    });
  });
});
