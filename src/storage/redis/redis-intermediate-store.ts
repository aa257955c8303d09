import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { NotFoundError, WukongError } from '../../model/errors.js';
import { DEFAULT_TTL_SECONDS } from '../coordinator.js';
import type { IntermediateStore } from '../intermediate-store.js';
import { deleteByPrefix, openRedis, redisTarget, storeError, type RedisAdapterOptions } from './redis-connection.js';

/**
 * Streams move in pieces of about this size: one GETRANGE each way out, one APPEND each way in
 * (4 MiB measured fastest locally, ~100 MB/s through ioredis). One Redis string holds at most
 * 512 MB (proto-max-bulk-len), so that is the largest value this store can keep, streamed or not.
 */
const STREAM_CHUNK_BYTES = 4 * 1024 * 1024;

/**
 * Intermediates as Redis strings with the TTL. Large values stream in with APPEND (to a temporary
 * key renamed into place, so readers never see part of a value) and out with GETRANGE, so a
 * 100 MB value never has to be in one command. Values are limited to Redis's 512 MB per string.
 */
export class RedisIntermediateStore implements IntermediateStore {
  readonly kind = 'redis' as const;
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private readonly ttlSeconds: number;

  /** From a `redis://` / `rediss://` URL (closed by close()), or a caller's client (left open). */
  constructor(urlOrClient: string | Redis, options: RedisAdapterOptions = {}) {
    const { client, owned } = openRedis(urlOrClient);
    this.redis = client;
    this.ownsClient = owned;
    this.keyPrefix = options.keyPrefix ?? '';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  async put(key: string, value: Uint8Array): Promise<void> {
    await this.run('put', () => this.redis.set(this.k(key), asBuffer(value), 'EX', this.ttlSeconds));
  }

  async get(key: string): Promise<Uint8Array> {
    const value = await this.run('get', () => this.redis.getBuffer(this.k(key)));
    if (value === null) throw this.notFound(key);
    return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }

  async has(key: string): Promise<boolean> {
    return (await this.run('has', () => this.redis.exists(this.k(key)))) === 1;
  }

  async delete(key: string): Promise<void> {
    await this.run('delete', () => this.redis.unlink(this.k(key)));
  }

  async size(key: string): Promise<number> {
    // STRLEN answers 0 for a missing key too, so ask EXISTS in the same round trip.
    const replies = await this.run('size', () => this.redis.multi().exists(this.k(key)).strlen(this.k(key)).exec());
    const [exists, length] = (replies ?? []).map(([error, reply]) => {
      if (error) throw storeError(this.redis, 'size', error);
      return Number(reply);
    });
    if (exists !== 1) throw this.notFound(key);
    return length ?? 0;
  }

  async putStream(key: string, chunks: AsyncIterable<Uint8Array>): Promise<void> {
    // A temporary key per call: concurrent putStreams of one key each build their own value.
    const partial = `${this.k(key)}.partial-${randomUUID()}`;
    try {
      await this.run('put stream', () => this.redis.set(partial, '', 'EX', this.ttlSeconds));
      // Small chunks are copied together into appends of STREAM_CHUNK_BYTES (one round trip each);
      // copied, since a source may reuse its chunk's buffer once it resumes.
      const staging = Buffer.allocUnsafe(STREAM_CHUNK_BYTES);
      let stagedBytes = 0;
      const append = (bytes: Buffer) => this.run('put stream', () => this.redis.append(partial, bytes));
      for await (const chunk of chunks) {
        if (stagedBytes === 0 && chunk.byteLength >= STREAM_CHUNK_BYTES) {
          await append(asBuffer(chunk)); // sent before the source resumes: no copy needed
          continue;
        }
        for (let offset = 0; offset < chunk.byteLength; ) {
          const taken = Math.min(chunk.byteLength - offset, STREAM_CHUNK_BYTES - stagedBytes);
          staging.set(chunk.subarray(offset, offset + taken), stagedBytes);
          stagedBytes += taken;
          offset += taken;
          if (stagedBytes === STREAM_CHUNK_BYTES) {
            await append(staging); // the server has the bytes once APPEND answers: staging is free again
            stagedBytes = 0;
          }
        }
      }
      if (stagedBytes > 0) await append(staging.subarray(0, stagedBytes));
      // RENAME keeps the partial key's TTL; EXPIRE restarts it for the finished value.
      const replies = await this.run('put stream', () => this.redis.multi().rename(partial, this.k(key)).expire(this.k(key), this.ttlSeconds).exec());
      for (const [error] of replies ?? []) if (error) throw storeError(this.redis, 'put stream', error);
    } catch (error) {
      // Best effort: the TTL removes the partial value anyway if this fails too.
      await this.redis.unlink(partial).catch(() => undefined);
      throw error;
    }
  }

  async *getStream(key: string): AsyncIterable<Uint8Array> {
    const total = await this.size(key);
    for (let start = 0; start < total; start += STREAM_CHUNK_BYTES) {
      const end = Math.min(total, start + STREAM_CHUNK_BYTES) - 1;
      const chunk = await this.run('get stream', () => this.redis.getrangeBuffer(this.k(key), start, end));
      // The value was deleted or replaced by a shorter one mid-stream: fail rather than return a torn value.
      if (chunk.byteLength !== end - start + 1) throw new WukongError('STORE_FAILED', `redis: ${key} changed while it was being read`, { retryable: true });
      yield new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.run('delete prefix', () => deleteByPrefix(this.redis, this.k(prefix)));
  }

  /** Closes the client if this store opened it; a caller's client stays open. */
  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** Names the server: a value lost with a restarted Redis (no persistence) should say where it was. */
  private notFound(key: string): NotFoundError {
    return new NotFoundError(key, `not found: ${key} in redis ${redisTarget(this.redis)}`);
  }

  private k(key: string): string {
    return this.keyPrefix + key;
  }

  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      if (error instanceof WukongError) throw error;
      throw storeError(this.redis, what, error);
    }
  }
}

/** A Buffer view of the same bytes (no copy): ioredis sends Buffers as binary-safe bulk strings. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
