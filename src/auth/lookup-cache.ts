/**
 * Answers a node already read from the database, kept for `ttlMs` (0: nothing is kept). The API's hot reads —
 * the bearer token of every request, a client's id by its slug — would otherwise each cost a round trip on
 * PostgreSQL for every suppression check. Bounded: past `maxEntries` the oldest half is dropped.
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    readonly ttlMs: number,
    private readonly clock: () => number = Date.now,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (e.until > this.clock()) return e.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      let drop = this.entries.size / 2;
      for (const k of this.entries.keys()) {
        if (drop-- <= 0) break;
        this.entries.delete(k);
      }
    }
    this.entries.set(key, { value, until: this.clock() + this.ttlMs });
  }

  /** Forgets everything (a token revoked, a client deleted on this node). */
  clear(): void {
    this.entries.clear();
  }
}
