import { NotFoundError } from '../../model/errors.js';
import { DEFAULT_TTL_SECONDS } from '../coordinator.js';
import type { IntermediateStore } from '../intermediate-store.js';
import { sweepIntervalMs, TtlMap } from './ttl-map.js';

/**
 * Intermediates in this process's memory (the embedded backend's default). Values are kept as
 * given, not copied (a 100 MB output is not duplicated): callers must not change bytes after put()
 * or in what get() returns. The embedded backend's executor threads put copies (large ones in
 * shared memory, which every thread then reads without a copy) and keep a cache of what they put
 * and got, valid while `changes` stays the same (see runtime/embedded/thread-value-cache.ts).
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

  constructor(options: { ttlSeconds?: number } = {}) {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.values = new TtlMap(ttlSeconds);
    this.sweeper = setInterval(() => this.values.sweep(), sweepIntervalMs(ttlSeconds));
    this.sweeper.unref();
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    if (this.values.get(key) !== undefined) this.changed();
    this.values.set(key, value);
  }

  async get(key: string): Promise<Uint8Array> {
    const value = this.values.get(key);
    if (value === undefined) throw new NotFoundError(key);
    return value;
  }

  async has(key: string): Promise<boolean> {
    return this.values.get(key) !== undefined;
  }

  async delete(key: string): Promise<void> {
    if (this.values.delete(key)) this.changed();
  }

  /** Remaining TTL in ms; -2 when the key does not exist (as the coordinator's ttlMs). */
  ttlMs(key: string): number {
    return this.values.ttlMs(key);
  }

  async size(key: string): Promise<number> {
    return (await this.get(key)).byteLength;
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
    return this.values.deletePrefix(prefix);
  }

  private changed(): void {
    Atomics.add(this.changes, 0, 1);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
