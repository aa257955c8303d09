/**
 * A Map whose entries expire `ttlSeconds` after their last write: checked lazily on access, and
 * dropped for good by the owner's sweep timer (so unread keys do not pile up).
 */
export class TtlMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly ttlSeconds: number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= Date.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V): void {
    this.setUntil(key, value, Date.now() + this.ttlSeconds * 1000);
  }

  /** An entry with an expiry of its own (epoch ms), for owners that learn it from elsewhere. */
  setUntil(key: string, value: V, expiresAt: number): void {
    this.entries.set(key, { value, expiresAt });
  }

  /** Entries held, expired ones not yet dropped included. */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }

  delete(key: string): boolean {
    return this.entries.delete(key);
  }

  /** Remaining TTL in ms; -2 when the key does not exist (as Redis PTTL). */
  ttlMs(key: string): number {
    const entry = this.entries.get(key);
    if (!entry || entry.expiresAt <= Date.now()) return -2;
    return entry.expiresAt - Date.now();
  }

  keys(prefix: string): string[] {
    const now = Date.now();
    return [...this.entries].filter(([key, entry]) => key.startsWith(prefix) && entry.expiresAt > now).map(([key]) => key);
  }

  /** Removes every entry whose key starts with `prefix`; counts only the live ones, as Redis would. */
  deletePrefix(prefix: string): number {
    const now = Date.now();
    let removed = 0;
    // Deleting the entry being visited is safe in a Map's iteration (no copy of a run's every key).
    for (const [key, entry] of this.entries) {
      if (!key.startsWith(prefix)) continue;
      this.entries.delete(key);
      if (entry.expiresAt > now) removed += 1;
    }
    return removed;
  }

  /** Drops expired entries; called by the owners' sweep timers. */
  sweep(): void {
    const now = Date.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

/** How often owners sweep: a minute, or the TTL when shorter, so memory follows short TTLs too. */
export function sweepIntervalMs(ttlSeconds: number): number {
  return Math.max(100, Math.min(60_000, ttlSeconds * 1000));
}
