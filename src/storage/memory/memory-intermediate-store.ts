import { NotFoundError } from '../../model/errors.js';
import { DEFAULT_TTL_SECONDS } from '../coordinator.js';
import type { IntermediateStore } from '../intermediate-store.js';
import { sweepIntervalMs, TtlMap } from './ttl-map.js';

/**
 * Intermediates in this process's memory (the embedded backend's default). Values are kept as
 * given, not copied (a 100 MB output is not duplicated): callers must not change bytes after put()
 * or in what get() returns. The embedded backend's RPC transfers puts and clones gets, so its
 * executor threads never share bytes with the store.
 */
export class MemoryIntermediateStore implements IntermediateStore {
  readonly kind = 'memory' as const;
  private readonly values: TtlMap<Uint8Array>;
  private readonly sweeper: NodeJS.Timeout;

  constructor(options: { ttlSeconds?: number } = {}) {
    const ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    this.values = new TtlMap(ttlSeconds);
    this.sweeper = setInterval(() => this.values.sweep(), sweepIntervalMs(ttlSeconds));
    this.sweeper.unref();
  }

  async put(key: string, value: Uint8Array): Promise<void> {
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
    this.values.delete(key);
  }

  async size(key: string): Promise<number> {
    return (await this.get(key)).byteLength;
  }

  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    const parts: Uint8Array[] = [];
    for await (const chunk of chunks) parts.push(chunk);
    this.values.set(key, Buffer.concat(parts));
  }

  async *getStream(key: string): AsyncIterable<Uint8Array> {
    const value = await this.get(key);
    const chunkBytes = 1 << 20;
    for (let offset = 0; offset < value.byteLength; offset += chunkBytes) yield value.subarray(offset, offset + chunkBytes);
  }

  async deletePrefix(prefix: string): Promise<number> {
    return this.values.deletePrefix(prefix);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }
}
