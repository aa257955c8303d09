import { NotFoundError } from '../../model/errors.js';
import { DEFAULT_TTL_SECONDS } from '../coordinator.js';
import type { IntermediateStore } from '../intermediate-store.js';
import type { SharedValueTable } from './shared-value-table.js';
import { sweepIntervalMs, TtlMap } from './ttl-map.js';

/**
 * Intermediates in this process's memory (the embedded backend's default). Values are kept as
 * given, not copied (a 100 MB output is not duplicated): callers must not change bytes after put()
 * or in what get() returns. The embedded backend's executor threads put copies (large ones in
 * shared memory, which every thread then reads without a copy) and keep a cache of what they put
 * and got, valid while `changes` stays the same (see runtime/embedded/thread-value-cache.ts).
 *
 * The values of the keys of a SharedValueTable (a run's small task outputs: useSharedValues) live
 * in that table, in shared memory, where executor threads put and get them without asking this
 * store; this store reads through it and puts into it too, so every caller sees one store. A key
 * holds its value in the table or in the map, never live in both for long: a put that the table
 * takes drops the map's entry, and one it refuses (the table full) unpublishes the table's.
 */
export class MemoryIntermediateStore implements IntermediateStore {
  readonly kind = 'memory' as const;
  private readonly values: TtlMap<Uint8Array>;
  private readonly sweeper: NodeJS.Timeout;
  /**
   * Counts overwrites and deletes, in memory every thread can read: a thread's cached copy of a
   * value is current only while this count has not moved since it was cached.
   */
  readonly changes = new Int32Array(new SharedArrayBuffer(4));
  private shared: SharedValueTable | undefined;
  private readonly sharedValuesListeners = new Set<(table: SharedValueTable | undefined) => void>();

  constructor(options: { ttlSeconds?: number } = {}) {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.values = new TtlMap(ttlSeconds);
    this.sweeper = setInterval(() => this.values.sweep(), sweepIntervalMs(ttlSeconds));
    this.sweeper.unref();
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    const shared = this.shared;
    const inTable = shared?.put(key, value);
    if (inTable) {
      const mapHadIt = this.values.get(key) !== undefined;
      this.values.delete(key);
      if (inTable === 'replaced' || mapHadIt) this.changed();
      return;
    }
    // The table's older value of the key, if any, would hide this one.
    const tableHadIt = shared?.delete(key) === true;
    if (tableHadIt || this.values.get(key) !== undefined) this.changed();
    this.values.set(key, value);
  }

  async get(key: string): Promise<Uint8Array> {
    const value = this.shared?.get(key) ?? this.values.get(key);
    if (value === undefined) throw new NotFoundError(key);
    return value;
  }

  async has(key: string): Promise<boolean> {
    return (this.shared?.get(key) ?? this.values.get(key)) !== undefined;
  }

  async delete(key: string): Promise<void> {
    const tableHadIt = this.shared?.delete(key) === true;
    if (this.values.delete(key) || tableHadIt) this.changed();
  }

  /** Remaining TTL in ms; -2 when the key does not exist (as the coordinator's ttlMs). */
  ttlMs(key: string): number {
    const inTable = this.shared?.ttlMsOf(key) ?? -2;
    return inTable !== -2 ? inTable : this.values.ttlMs(key);
  }

  async size(key: string): Promise<number> {
    return (await this.get(key)).byteLength;
  }

  /**
   * Keeps the values of `table`'s keys in it from now on (the embedded backend's table of the run
   * about to start; undefined: none). The live values of the table it replaces move to the map, as
   * views of the old table's memory, which is never written again, with their expiry.
   */
  useSharedValues(table: SharedValueTable | undefined): void {
    const previous = this.shared;
    this.shared = table;
    for (const listener of this.sharedValuesListeners) listener(table);
    if (!previous) return;
    for (const { key, value, expiresAt } of previous.liveEntries()) {
      // A thread that still reads the old table then misses and asks this store.
      previous.delete(key);
      this.values.setUntil(key, value, expiresAt);
    }
  }

  /**
   * Calls `listener` with the table of useSharedValues now and on each change (the embedded
   * backend passes it on to an executor thread); returns the call that stops it.
   */
  followSharedValues(listener: (table: SharedValueTable | undefined) => void): () => void {
    this.sharedValuesListeners.add(listener);
    listener(this.shared);
    return () => this.sharedValuesListeners.delete(listener);
  }

  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    await this.put(key, Buffer.concat(parts));
  }

  async *getStream(key: string): AsyncIterable<Uint8Array> {
    const value = await this.get(key);
    const chunkBytes = 1 << 20;
    for (let offset = 0; offset < value.byteLength; offset += chunkBytes) yield value.subarray(offset, offset + chunkBytes);
  }

  async deletePrefix(prefix: string): Promise<number> {
    // Counted even when only expired entries went: a thread may still hold one of them.
    this.changed();
    // A key live in both (a thread's put to the table racing this store's put to the map) counts
    // once. The map is mostly empty while a table serves the run: then no key is named.
    let inBoth = 0;
    const inMap = this.values.size === 0 ? undefined : (key: string) => void (this.values.get(key) !== undefined && (inBoth += 1));
    const fromTable = this.shared?.deletePrefix(prefix, inMap) ?? 0;
    return fromTable + this.values.deletePrefix(prefix) - inBoth;
  }

  private changed(): void {
    Atomics.add(this.changes, 0, 1);
  }

  async close(): Promise<void> {
    this.shared = undefined;
    clearInterval(this.sweeper);
  }
}
