/**
 * A map that holds at most `capacity` keys, forgets the least recently used one first, and forgets an entry once
 * its time to live has passed. Lookups and inserts are O(1): a Map keeps insertion order, so re-inserting a key
 * on use moves it to the back and the front is always the least recently used.
 */
export class BoundedCache<K, V> {
  readonly #entries = new Map<K, { value: V; expiresAt: number }>();
  readonly #capacity: number;
  readonly #now: () => number;

  constructor(capacity: number, now: () => number = Date.now) {
    this.#capacity = capacity;
    this.#now = now;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(key: K): V | undefined {
    const held = this.#entries.get(key);
    if (!held) return undefined;
    this.#entries.delete(key);
    if (held.expiresAt <= this.#now()) return undefined;
    this.#entries.set(key, held);
    return held.value;
  }

  set(key: K, value: V, ttlMs = Number.POSITIVE_INFINITY): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: this.#now() + ttlMs });
    if (this.#entries.size > this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
  }

  delete(key: K): void {
    this.#entries.delete(key);
  }
}
