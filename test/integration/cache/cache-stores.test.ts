import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeEntry } from '../../../src/cache/cache-entry.js';
import { cacheStats, removeCacheEntries } from '../../../src/cache/cache-maintenance.js';
import type { CacheStore } from '../../../src/cache/cache-store.js';
import { DirCacheStore } from '../../../src/cache/dir-cache-store.js';
import { RedisCacheStore } from '../../../src/cache/redis-cache-store.js';
import { S3CacheStore } from '../../../src/cache/s3-cache-store.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

let redis: RedisServerHandle;
let s3: S3rverHandle;
beforeAll(async () => {
  [redis, s3] = await Promise.all([startRedisServer(), startS3rver('wk-cache-stores')]);
});
afterAll(async () => {
  await Promise.all([redis?.stop(), s3?.stop()]);
});

const stores: Record<string, () => CacheStore> = {
  directory: () => new DirCacheStore(mkdtempSync(join(tmpdir(), 'wk-cache-store-'))),
  Redis: () => new RedisCacheStore(redis.url),
  S3: () => new S3CacheStore(s3.bucket, `t${Date.now()}/`, { endpoint: s3.endpoint, credentials: s3.credentials }),
};

describe.each(Object.keys(stores))('cache store: %s', (kind) => {
  it('concurrent writers of one key leave one whole entry; put-if-absent never clobbers; gc and clear remove', async () => {
    const store = stores[kind]!();
    try {
      const entry = encodeEntry(new Uint8Array(256 * 1024).map((_, i) => i % 256));
      const written = await Promise.all(Array.from({ length: 8 }, () => store.putIfAbsent('e/k.0', entry)));
      // Directory (link) and Redis (SET NX) let exactly one writer win; s3rver ignores If-None-Match, so there every PUT of the same bytes lands.
      if (kind !== 'S3') expect(written.filter(Boolean)).toHaveLength(1);
      expect(Buffer.from((await store.get('e/k.0'))!)).toEqual(Buffer.from(entry));
      if (kind !== 'S3') expect(await store.putIfAbsent('e/k.0', new Uint8Array([1, 2, 3]))).toBe(false);
      expect(await store.get('e/missing.0')).toBeUndefined();
      await store.put('n/note', Buffer.from('{}'));
      expect(await cacheStats(store)).toMatchObject({ entries: 1, notes: 1, entryBytes: entry.byteLength });
      expect(await removeCacheEntries(store, 60 * 60 * 1000, Date.now())).toBe(0);
      expect(await removeCacheEntries(store, undefined, Date.now())).toBe(2);
      expect(await cacheStats(store)).toMatchObject({ entries: 0, notes: 0 });
    } finally {
      await store.close();
    }
  });
});
