/**
 * A cache of serialized shard files, keyed by what the file's bytes are made of, so a rebuild
 * serializes only the shards a change moved and copies the others (docs/scale.md, "Build").
 *
 *   digest(o)       = SHA-256 of JSON.stringify(o), once per object per build (memo by identity)
 *   part(v)         = ["m", [[k, digest(v[k])] for k of v]]   v a plain object of objects (a map by id)
 *                   | ["d", digest(v)]                          v another plain object
 *                   | ["v", v]                                  v an array or a primitive
 *                   | ["u"]                                     v undefined
 *   entryKey(k, r)  = [k, [[f, part(r[f])] for f of r]]
 *   key(head, E)    = SHA-256 of VERSION, JSON.stringify(head), entryKey(k, r) for (k, r) of E in order
 *   file(key)       = <dir>/<key>.json, the bytes of JSON.stringify of the shard it was made from,
 *                     hard-linked into the output (no bytes copied, none rewritten)
 *
 * Keys and fields are taken in their own order (Object.entries, the order JSON.stringify
 * writes), so equal keys mean equal JSON text: a hit is byte-identical to serializing the shard
 * again. A product shared by many storefronts is serialized (for its digest) once, not once per
 * storefront. Entries are written through a temporary file renamed into place (never a partial
 * file under a key) and pruned to the keys of the last build.
 */
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { writeIfChanged } from './write-if-changed.ts';

const VERSION = 'shard-cache v1';

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export class ShardDigests {
  private readonly memo = new WeakMap<object, string>();

  digest(o: object): string {
    let d = this.memo.get(o);
    if (d === undefined) {
      d = createHash('sha256').update(JSON.stringify(o)).digest('base64');
      this.memo.set(o, d);
    }
    return d;
  }

  part(v: unknown): unknown {
    if (v === undefined) return ['u'];
    if (!isPlainObject(v)) return ['v', v];
    const values = Object.values(v);
    if (values.every(isPlainObject))
      return ['m', Object.entries(v).map(([k, o]) => [k, this.digest(o as object)])];
    return ['d', this.digest(v)];
  }

  /** The key of a shard: `head` (what every shard repeats) and its entries, in the order they are written. */
  key(head: unknown, entries: Iterable<[string, unknown]>): string {
    const hash = createHash('sha256').update(VERSION).update('\n').update(JSON.stringify(head));
    for (const [k, record] of entries) {
      const fields = isPlainObject(record)
        ? ['r', Object.entries(record).map(([f, v]) => [f, this.part(v)])]
        : ['v', record ?? null];
      hash.update('\n').update(JSON.stringify([k, fields]));
    }
    return hash.digest('hex');
  }
}

export interface ShardWrite {
  /** Where the file goes under `root`. */
  path: string;
  key: string;
  /** The file's text, made only on a miss. */
  text: () => string;
}

/**
 * Writes each shard to `root/path`. With a cache folder, a shard not already in `root` is
 * hard-linked from `cacheDir/<key>.json`, which is first serialized and stored when missing
 * (a copy where the folders' file system cannot link); the cache files no shard used are then
 * dropped. Cache files are read-only: an in-place write to a linked file would change the cache,
 * and nothing writes into a built `_data/` folder (a build replaces it whole). Without a cache
 * folder, or when the file is already in `root`, the shard is serialized and written only if
 * its bytes changed (writeIfChanged). Returns the files written and serialized.
 */
export function writeShards(
  root: string,
  shards: Iterable<ShardWrite>,
  cacheDir: string | null,
): { files: number; written: number; serialized: number } {
  let [files, written, serialized] = [0, 0, 0];
  const used = new Set<string>();
  const dirs = new Set<string>();
  if (cacheDir) mkdirSync(cacheDir, { recursive: true });
  for (const shard of shards) {
    files++;
    const target = join(root, shard.path);
    if (!cacheDir || existsSync(target)) {
      serialized++;
      if (writeIfChanged(root, shard.path, shard.text())) written++;
      continue;
    }
    const cached = join(cacheDir, `${shard.key}.json`);
    used.add(`${shard.key}.json`);
    let text: string | null = null;
    if (!existsSync(cached)) {
      text = shard.text();
      const temporary = `${cached}.${process.pid}.tmp`;
      writeFileSync(temporary, text, { mode: 0o444 });
      renameSync(temporary, cached);
    }
    if (!dirs.has(dirname(target))) mkdirSync(dirname(target), { recursive: true });
    dirs.add(dirname(target));
    // Another build with this cache folder may have pruned the entry since: then the text itself.
    if (!linkOrCopy(cached, target)) writeFileSync(target, (text ??= shard.text()));
    if (text !== null) serialized++;
    written++;
  }
  // Entries only: a temporary file may be another build's, about to be renamed into place.
  if (cacheDir)
    for (const name of readdirSync(cacheDir))
      if (name.endsWith('.json') && !used.has(name)) rmSync(join(cacheDir, name), { force: true });
  return { files, written, serialized };
}

/** Links (or, across file systems, copies) `from` to `to`; false when `from` is gone. */
function linkOrCopy(from: string, to: string): boolean {
  try {
    linkSync(from, to);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT' && !existsSync(from)) return false;
    if (!['EXDEV', 'EPERM', 'EMLINK', 'ENOTSUP'].includes(code)) throw error;
  }
  try {
    copyFileSync(from, to);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !existsSync(from)) return false;
    throw error;
  }
}
