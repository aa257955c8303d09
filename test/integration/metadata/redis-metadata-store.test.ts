import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_METADATA_KEY_PREFIX, RedisMetadataStore } from '../../../src/metadata/redis-metadata-store.js';
import { redisForThisFile, startRedisServer } from '../../helpers/redis-server.js';
import { describeMetadataStoreConformance } from '../../unit/metadata/metadata-store.conformance.js';
import { invokeRecord, taskRecord, transferRecord } from '../../unit/metadata/record-fixtures.js';

const redis = redisForThisFile();

const freshPrefix = (): string => `test-${randomUUID()}:`;

describeMetadataStoreConformance('redis', async () => new RedisMetadataStore(redis.server.url, { keyPrefix: freshPrefix() }));

describe('RedisMetadataStore', () => {
  it('writes a batch in one round trip (one socket write: a pipeline)', async () => {
    const own = new Redis(redis.server.url);
    await own.ping();
    const store = new RedisMetadataStore(own, { keyPrefix: freshPrefix() });
    const socket = (own as unknown as { stream: { write: (...args: unknown[]) => boolean } }).stream;
    const writes = vi.spyOn(socket, 'write');
    await store.append([taskRecord({ taskId: 'a' }), taskRecord({ taskId: 'b', taskKey: 'other' }), transferRecord(), invokeRecord()]);
    expect(writes).toHaveBeenCalledTimes(1);
    writes.mockRestore();
    expect((await store.load()).tasks).toHaveLength(2);
    await store.close(); // a borrowed client stays open
    expect(await own.ping()).toBe('PONG');
    await own.quit();
  });

  it('lays records out in capped lists per task key, task id, store+direction and tier, newest first', async () => {
    const prefix = freshPrefix();
    const store = new RedisMetadataStore(redis.server.url, { keyPrefix: prefix, recordsPerKey: 5 });
    await store.append(Array.from({ length: 8 }, (_, i) => taskRecord({ taskId: 'same', taskKey: 'k', execMs: i, at: i })));
    await store.append(Array.from({ length: 4 }, (_, i) => taskRecord({ taskId: 'same', taskKey: 'k', execMs: 100 + i, at: 100 + i })));
    await store.append(Array.from({ length: 7 }, (_, i) => transferRecord({ store: 'redis', direction: 'put', ms: i, at: i })));
    await store.append([invokeRecord({ tier: 3008 })]);

    expect(await redis.client.llen(`${prefix}task:key:k`)).toBe(5);
    expect(await redis.client.llen(`${prefix}task:id:same`)).toBe(5);
    expect(await redis.client.llen(`${prefix}transfer:redis:put`)).toBe(5);
    expect(await redis.client.llen(`${prefix}invoke:3008`)).toBe(1);
    const newest = JSON.parse((await redis.client.lindex(`${prefix}task:key:k`, 0)) as string) as { execMs: number };
    expect(newest.execMs).toBe(103);

    const history = await store.load();
    // The five newest task records, once each though each sits in two lists, oldest first.
    expect(history.tasks.map((r) => r.execMs)).toEqual([7, 100, 101, 102, 103]);
    expect(history.transfers.map((r) => r.ms)).toEqual([2, 3, 4, 5, 6]);
    expect(await redis.client.smembers(`${prefix}index:taskKeys`)).toEqual(['k']);
    await store.close();
  });

  it('sets no TTL on any key: history outlives runs', async () => {
    const prefix = freshPrefix();
    const store = new RedisMetadataStore(redis.server.url, { keyPrefix: prefix });
    await store.append([taskRecord(), transferRecord(), invokeRecord()]);
    const keys = await redis.client.keys(`${prefix}*`);
    expect(keys.length).toBe(6);
    for (const key of keys) expect(await redis.client.pttl(key)).toBe(-1);
    await store.close();
  });

  it('uses wkmeta: by default, and clear touches nothing outside its prefix', async () => {
    expect(DEFAULT_METADATA_KEY_PREFIX).toBe('wkmeta:');
    const store = new RedisMetadataStore(redis.server.url);
    await redis.client.set('wk:run-1:spec', '{}');
    await redis.client.set('unrelated', 'x');
    await store.append([taskRecord()]);
    expect((await redis.client.keys('wkmeta:*')).length).toBeGreaterThan(0);
    await store.clear();
    expect(await redis.client.keys('wkmeta:*')).toEqual([]);
    expect(await redis.client.get('wk:run-1:spec')).toBe('{}');
    expect(await redis.client.get('unrelated')).toBe('x');
    await store.close();
  });

  it('skips and counts stored entries that are not valid records', async () => {
    const prefix = freshPrefix();
    const store = new RedisMetadataStore(redis.server.url, { keyPrefix: prefix });
    await store.append([taskRecord({ taskId: 'good' })]);
    await redis.client.lpush(`${prefix}task:key:${taskRecord().taskKey}`, 'garbage', '{"type":"task"}');
    const history = await store.load();
    expect(history.tasks.map((r) => r.taskId)).toEqual(['good']);
    expect(history.skipped).toBe(2);
    await store.close();
  });

  it('fails with a retryable STORE_FAILED naming the server when Redis is down', async () => {
    const down = await startRedisServer();
    const store = new RedisMetadataStore(down.url, { keyPrefix: freshPrefix() });
    await down.stop();
    const failure = store.append([taskRecord()]);
    await expect(failure).rejects.toMatchObject({ code: 'STORE_FAILED', retryable: true });
    await expect(failure).rejects.toThrow(`127.0.0.1:${down.port}`);
    await store.close();
  });
});
