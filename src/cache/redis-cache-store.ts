import type { Redis } from 'ioredis';
import { openRedis } from '../storage/redis/redis-connection.js';
import { redactRedisUrl } from '../storage/redis/redis-url.js';
import type { CacheListing, CacheStore } from './cache-store.js';

/** Every cache key in Redis starts with this (run keys start with `wk:`; the two never mix). */
export const REDIS_CACHE_PREFIX = 'wkcache:';

/**
 * Cache entries as Redis strings without a TTL (a cache outlives runs; `wukong cache gc` or the
 * server's eviction policy bounds it). put-if-absent is `SET NX`, atomic on the server.
 * `usedAt` comes from `OBJECT IDLETIME`, so `gc --older-than` removes what was least recently used.
 */
export class RedisCacheStore implements CacheStore {
  readonly location: string;
  private readonly client: Redis;

  constructor(url: string) {
    this.location = redactRedisUrl(url);
    this.client = openRedis(url).client;
  }

  async get(name: string): Promise<Uint8Array | undefined> {
    return (await this.client.getBuffer(REDIS_CACHE_PREFIX + name)) ?? undefined;
  }

  async putIfAbsent(name: string, bytes: Uint8Array): Promise<boolean> {
    return (await this.client.set(REDIS_CACHE_PREFIX + name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'NX')) === 'OK';
  }

  async put(name: string, bytes: Uint8Array): Promise<void> {
    await this.client.set(REDIS_CACHE_PREFIX + name, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  }

  async delete(name: string): Promise<void> {
    await this.client.del(REDIS_CACHE_PREFIX + name);
  }

  async list(): Promise<CacheListing[]> {
    const listings: CacheListing[] = [];
    const now = Date.now();
    let cursor = '0';
    do {
      const [next, keys] = await this.client.scan(cursor, 'MATCH', `${REDIS_CACHE_PREFIX}*`, 'COUNT', 1000);
      cursor = next;
      for (const key of keys) {
        // IDLETIME first: STRLEN is a read and would reset the key's idle clock.
        const idleSeconds = (await this.client.object('IDLETIME', key)) as number | null;
        const bytes = await this.client.strlen(key);
        listings.push({ name: key.slice(REDIS_CACHE_PREFIX.length), bytes, usedAt: now - (idleSeconds ?? 0) * 1000 });
      }
    } while (cursor !== '0');
    return listings;
  }

  async close(): Promise<void> {
    this.client.disconnect();
  }
}
