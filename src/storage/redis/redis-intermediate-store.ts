import type { Redis } from 'ioredis';
import { NotFoundError } from '../../errors.js';
import { DEFAULT_TTL_SECONDS } from '../coordinator.js';
import type { IntermediateStore } from '../intermediate-store.js';
import { deleteByPrefix, openRedis, storeError } from './redis-connection.js';

/** Streams move in chunks of this size (one Redis string holds at most 512 MB). */
const CHUNK_BYTES = 4 * 1024 * 1024;

/** Intermediates as Redis strings with the TTL; large values stream in with APPEND, out with GETRANGE. */
export class RedisIntermediateStore implements IntermediateStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly ttlSeconds: number;

  constructor(urlOrClient: string | Redis, options: { ttlSeconds?: number } = {}) {
    this.redis = openRedis(urlOrClient);
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.run('put', () => this.redis.set(key, Buffer.from(value.buffer, value.byteOffset, value.byteLength), 'EX', this.ttlSeconds));
  }

  async get(key: string): Promise<Uint8Array> {
    const value = await this.run('get', () => this.redis.getBuffer(key));
    if (value === null) throw new NotFoundError(key);
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  async has(key: string): Promise<boolean> {
    return (await this.run('has', () => this.redis.exists(key))) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.run('delete', () => this.redis.unlink(key));
  }

  async size(key: string): Promise<number> {
    const [[, exists], [, length]] = (await this.run('size', () => this.redis.multi().exists(key).strlen(key).exec())) as [[unknown, number], [unknown, number]];
    if (exists !== 1) throw new NotFoundError(key);
    return length;
  }

  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    // Build under a temporary key and rename, so readers never see a partial value.
    const partial = `${key}.partial`;
    await this.run('put stream', () => this.redis.set(partial, '', 'EX', this.ttlSeconds));
    for await (const chunk of chunks) {
      await this.run('put stream', () => this.redis.append(partial, Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    }
    await this.run('put stream', () => this.redis.multi().rename(partial, key).expire(key, this.ttlSeconds).exec());
  }

  async *getStream(key: string): AsyncIterable<Uint8Array> {
    const total = await this.size(key);
    for (let start = 0; start < total; start += CHUNK_BYTES) {
      const end = Math.min(total, start + CHUNK_BYTES) - 1;
      const chunk = await this.run('get stream', () => this.redis.getrangeBuffer(key, start, end));
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.run('delete prefix', () => deleteByPrefix(this.redis, prefix));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof NotFoundError) throw error;
      throw storeError(this.redis, what, error);
    }
  }
}
