/**
 * Parsed content files by the SHA-256 of their text, kept between builds (docs/scale.md):
 * YAML parsing is most of a large build's content time (about 22 s for 10,000 creators'
 * 50 MB), so a build parses only the files whose bytes changed. A hit is exactly what
 * parsing the same text gives; the key includes the parser's exact version.
 *
 * At 100,000 creators the cache is about 450 MB, so it is never held in memory: the file
 * is the entries' v8-serialized bytes one after another, then an index (key, offset,
 * length), then the index's offset in the last 8 bytes. Opening reads only the index; a hit
 * reads its own bytes. The next cache is written as the build goes, entry by entry, to a
 * temporary file that replaces the old one at the end (or is dropped when nothing changed),
 * so it holds exactly the entries this content used.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { deserialize, serialize } from 'node:v8';

/** The file format and the parser's exact version: a `yaml` upgrade starts a cold cache. */
const VERSION = `v2 yaml@${(createRequire(import.meta.url)('yaml/package.json') as { version: string }).version}`;
const MAGIC = Buffer.from(`shopfront parse cache ${VERSION}\n`);

type Index = Map<string, { offset: number; length: number }>;

/** Where the build keeps its parse cache (CI caches this folder, .github/workflows/deploy.yml). */
export function parseCacheFile(): string {
  return (
    process.env.SHOPFRONT_PARSE_CACHE ?? join('node_modules', '.cache', 'shopfront', 'content-parse.bin')
  );
}

export class ParseCache {
  private readonly old: { fd: number; index: Index } | null;
  private readonly next: { fd: number; index: Index; at: number };
  /** Per process: two builds sharing a cache folder each write their own, and the last one wins. */
  private readonly temp: string;
  private readonly file: string;
  private added = 0;

  constructor(file: string) {
    this.file = file;
    this.old = openIndexed(file);
    mkdirSync(dirname(file), { recursive: true });
    this.temp = `${file}.${process.pid}.tmp`;
    const fd = openSync(this.temp, 'w+');
    writeSync(fd, MAGIC);
    this.next = { fd, index: new Map(), at: MAGIC.length };
  }

  /** The stored parse of `text`, or `parse(text)` stored for the next build. */
  get<T>(text: string, parse: () => T): T {
    const key = createHash('sha256').update(VERSION).update(text).digest('base64');
    const written = this.next.index.get(key);
    const where = written ? { fd: this.next.fd, ...written } : this.old && lookup(this.old, key);
    if (where) {
      const bytes = Buffer.allocUnsafe(where.length);
      if (readSync(where.fd, bytes, 0, where.length, where.offset) === where.length) {
        if (!written) this.append(key, bytes);
        return deserialize(bytes) as T;
      }
    }
    const value = parse();
    this.append(key, serialize(value));
    this.added++;
    return value;
  }

  /** As `get`, for a value made asynchronously (the share cards' PNGs, build/share-cards.ts). */
  async getAsync<T>(text: string, make: () => Promise<T>): Promise<T> {
    const key = createHash('sha256').update(VERSION).update(text).digest('base64');
    const hit = this.read(key);
    if (hit !== null) return hit as T;
    const value = await make();
    this.append(key, serialize(value));
    this.added++;
    return value;
  }

  /** The stored value for `text`, if any (carried into the next cache), without making it. */
  peek<T>(text: string): T | null {
    return this.read(createHash('sha256').update(VERSION).update(text).digest('base64')) as T | null;
  }

  /** The stored value of `key` (carried into the next cache), or null. */
  private read(key: string): unknown {
    const written = this.next.index.get(key);
    const where = written ? { fd: this.next.fd, ...written } : this.old && lookup(this.old, key);
    if (!where) return null;
    const bytes = Buffer.allocUnsafe(where.length);
    if (readSync(where.fd, bytes, 0, where.length, where.offset) !== where.length) return null;
    if (!written) this.append(key, bytes);
    return deserialize(bytes);
  }

  /** Closes the files: the next cache replaces the old one if any entry was added or left unused. */
  save(): void {
    const changed = this.added > 0 || (this.old?.index.size ?? 0) !== this.next.index.size;
    if (this.old) closeSync(this.old.fd);
    const { fd, index, at } = this.next;
    if (!changed) {
      closeSync(fd);
      rmSync(this.temp, { force: true });
      return;
    }
    const table = serialize([...index].map(([key, { offset, length }]) => [key, offset, length]));
    writeSync(fd, table, 0, table.length, at);
    const footer = Buffer.alloc(8);
    footer.writeBigUInt64LE(BigInt(at));
    writeSync(fd, footer, 0, 8, at + table.length);
    closeSync(fd);
    renameSync(this.temp, this.file);
  }

  private append(key: string, bytes: Uint8Array): void {
    writeSync(this.next.fd, bytes, 0, bytes.length, this.next.at);
    this.next.index.set(key, { offset: this.next.at, length: bytes.length });
    this.next.at += bytes.length;
  }
}

function lookup(old: { fd: number; index: Index }, key: string) {
  const entry = old.index.get(key);
  return entry ? { fd: old.fd, ...entry } : null;
}

/** The old cache's index, or null when there is none or it is not this version (a cold cache). */
function openIndexed(file: string): { fd: number; index: Index } | null {
  if (!existsSync(file)) return null;
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(MAGIC.length);
    if (readSync(fd, head, 0, head.length, 0) !== head.length || !head.equals(MAGIC))
      throw new Error('version');
    const footer = Buffer.alloc(8);
    const size = fstatSync(fd).size;
    if (size < MAGIC.length + 8) throw new Error('short');
    readSync(fd, footer, 0, 8, size - 8);
    const at = Number(footer.readBigUInt64LE());
    if (at < MAGIC.length || at > size - 8) throw new Error('footer');
    const table = Buffer.allocUnsafe(size - 8 - at);
    readSync(fd, table, 0, table.length, at);
    const rows: unknown = deserialize(table);
    if (!Array.isArray(rows)) throw new Error('index');
    const index: Index = new Map();
    for (const row of rows as unknown[]) {
      if (!Array.isArray(row)) throw new Error('index');
      const [key, offset, length] = row as unknown[];
      if (typeof key !== 'string' || typeof offset !== 'number' || typeof length !== 'number')
        throw new Error('index');
      if (offset < MAGIC.length || offset + length > at) throw new Error('index');
      index.set(key, { offset, length });
    }
    return { fd, index };
  } catch {
    // An unreadable or older cache is a cold cache.
    closeSync(fd);
    return null;
  }
}
