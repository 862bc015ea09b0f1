/**
 * Build-time shard files (link data, the page store, the image packs) read through the
 * static-assets binding and kept parsed in this isolate, least recently used first out, so
 * hot keys are answered from memory. Only settled values are cached: a request never
 * awaits a fetch that another request started.
 */

/** The assets binding could not give a shard: callers answer 503, never a wrong 404. */
export class ShardUnavailable extends Error {}

/** This isolate's reads of one store, reported by /healthz. */
export interface ShardCounters {
  hits: number;
  misses: number;
  /** Reads that failed (the request answered 503). */
  failures: number;
  /**
   * When the latest failure happened and which file it was, so an operator knows what to look
   * for; the error itself is only in the log line (/healthz is public).
   */
  last_failure: { at: string; path: string } | null;
}

export class ShardCache {
  readonly #entries = new Map<string, { value: unknown; bytes: number }>();
  #bytes = 0;
  /** Hit, miss and failure counts of this isolate, for tests, logs and /healthz. */
  readonly counters: ShardCounters = { hits: 0, misses: 0, failures: 0, last_failure: null };

  readonly max: number;
  readonly maxBytes: number;

  /** At most `max` shards, and at most `maxBytes` of shard files (the newest one is always kept). */
  constructor(max: number, maxBytes = Infinity) {
    this.max = max;
    this.maxBytes = maxBytes;
  }

  /** The JSON shard at `path`, parsed (and checked) by `parse`, from memory when it was read before. */
  read<T>(assets: Fetcher, path: string, parse: (json: unknown) => T): Promise<T> {
    return this.#read(assets, path, (bytes) => parse(JSON.parse(new TextDecoder().decode(bytes))));
  }

  /** The binary shard at `path`, decoded (and checked) by `decode`, from memory when it was read before. */
  readBytes<T>(assets: Fetcher, path: string, decode: (bytes: Uint8Array<ArrayBuffer>) => T): Promise<T> {
    return this.#read(assets, path, decode);
  }

  /**
   * The shard at `path` if this isolate holds it (counted as a hit), else undefined: a hot key
   * answered without a promise (issue 26: the redirect's reads). `T` is what the path's reads
   * decode to, as in `read`.
   */
  cached<T>(path: string): T | undefined {
    const cached = this.#entries.get(path);
    if (cached === undefined) return undefined;
    this.counters.hits++;
    // Most recently used last.
    this.#entries.delete(path);
    this.#entries.set(path, cached);
    return cached.value as T;
  }

  async #read<T>(assets: Fetcher, path: string, decode: (bytes: Uint8Array<ArrayBuffer>) => T): Promise<T> {
    const hit = this.cached<T>(path);
    if (hit !== undefined) return hit;
    this.counters.misses++;
    let value: T;
    let bytes: number;
    try {
      const res = await assets.fetch(new Request(`https://assets.invalid${path}`));
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      const body = new Uint8Array(await res.arrayBuffer());
      bytes = body.length;
      value = decode(body);
    } catch (error) {
      throw this.failed(path, `${path} unavailable: ${String(error)}`);
    }
    // Another request may have read the same shard meanwhile: keep one copy.
    this.#forget(path);
    this.#entries.set(path, { value, bytes });
    this.#bytes += bytes;
    while (this.#entries.size > 1 && (this.#entries.size > this.max || this.#bytes > this.maxBytes)) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.#forget(oldest);
    }
    return value;
  }

  /**
   * Counts a failed read of `path` (also one found wrong after the shard was read, such as a
   * malformed record) and returns the error to throw.
   */
  failed(path: string, message: string): ShardUnavailable {
    this.counters.failures++;
    this.counters.last_failure = { at: new Date().toISOString(), path };
    return new ShardUnavailable(message);
  }

  #forget(path: string): void {
    const entry = this.#entries.get(path);
    if (entry === undefined) return;
    this.#bytes -= entry.bytes;
    this.#entries.delete(path);
  }

  clear(): void {
    this.#entries.clear();
    this.#bytes = 0;
  }
}
