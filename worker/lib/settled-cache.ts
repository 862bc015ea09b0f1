/**
 * A small cache of values derived asynchronously (crypto keys). It stores settled values only,
 * never promises: a request that misses computes its own value, so no request ever awaits a
 * promise another request created (workerd cancels such waits when the other request ends, and
 * a cancelled request must never delay or fail another; CONTRACT.md section 10).
 */
export class SettledCache<V> {
  readonly #values = new Map<string, V>();
  readonly #maxEntries: number;

  constructor(maxEntries: number) {
    this.#maxEntries = maxEntries;
  }

  async get(key: string, make: () => Promise<V>): Promise<V> {
    const hit = this.#values.get(key);
    if (hit !== undefined) return hit;
    const value = await make();
    if (this.#values.size >= this.#maxEntries) this.#values.clear();
    this.#values.set(key, value);
    return value;
  }
}
