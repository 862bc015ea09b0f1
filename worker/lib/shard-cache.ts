/**
 * Build-time shard files (link data, the page store) read through the static-assets
 * binding and kept parsed in this isolate, least recently used first out, so hot
 * keys are answered from memory. Only settled values are cached: a request never
 * awaits a fetch that another request started.
 */

/** The assets binding could not give a shard: callers answer 503, never a wrong 404. */
export class ShardUnavailable extends Error {}

export class ShardCache {
  readonly #entries = new Map<string, unknown>();
  /** Hit, miss and failure counts of this isolate, for tests and logs. */
  readonly counters = { hits: 0, misses: 0, failures: 0 };

  readonly max: number;

  constructor(max: number) {
    this.max = max;
  }

  /** The shard at `path`, parsed (and checked) by `parse`, from memory when it was read before. */
  async read<T>(assets: Fetcher, path: string, parse: (json: unknown) => T): Promise<T> {
    if (this.#entries.has(path)) {
      this.counters.hits++;
      const cached = this.#entries.get(path) as T;
      // Most recently used last.
      this.#entries.delete(path);
      this.#entries.set(path, cached);
      return cached;
    }
    this.counters.misses++;
    let value: T;
    try {
      const res = await assets.fetch(new Request(`https://assets.invalid${path}`));
      if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
      value = parse(await res.json());
    } catch (error) {
      this.counters.failures++;
      throw new ShardUnavailable(`${path} unavailable: ${String(error)}`);
    }
    this.#entries.set(path, value);
    if (this.#entries.size > this.max) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    return value;
  }

  clear(): void {
    this.#entries.clear();
  }
}
