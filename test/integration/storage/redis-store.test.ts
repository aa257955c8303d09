import { createHash, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { NotFoundError, WukongError } from '../../../src/model/errors.js';
import { RedisIntermediateStore } from '../../../src/storage/redis/redis-intermediate-store.js';
import { freePort } from '../../../src/cli/free-port.js';
import { redisForThisFile } from '../../helpers/redis-server.js';
import { describeIntermediateStoreConformance } from './intermediate-store.conformance.js';

const redis = redisForThisFile();

const randomPrefix = (): string => `test:${randomUUID()}:`;

describeIntermediateStoreConformance('redis', async () => {
  const keyPrefix = randomPrefix();
  const store = new RedisIntermediateStore(redis.server.url, { keyPrefix });
  return {
    store,
    cleanup: async () => {
      await store.deletePrefix('');
      await store.close();
    },
  };
});

describe('RedisIntermediateStore', () => {
  const opened: RedisIntermediateStore[] = [];
  const open = (options: { keyPrefix?: string; ttlSeconds?: number } = {}): RedisIntermediateStore => {
    const store = new RedisIntermediateStore(redis.server.url, { keyPrefix: randomPrefix(), ...options });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  it('gives every key it writes a TTL within (0, ttl] and leaves no partial keys behind', async () => {
    const keyPrefix = randomPrefix();
    const store = open({ keyPrefix, ttlSeconds: 30 });
    await store.put('plain', new Uint8Array([1, 2]));
    await store.putStream('streamed', chunks([new Uint8Array(10), new Uint8Array(20)]));

    const keys = (await redis.client.keys(`${keyPrefix}*`)).sort();
    expect(keys).toEqual([`${keyPrefix}plain`, `${keyPrefix}streamed`]);
    for (const key of keys) {
      const ttlMs = await redis.client.pttl(key);
      expect(ttlMs, key).toBeGreaterThan(0);
      expect(ttlMs, key).toBeLessThanOrEqual(30_000);
    }
  });

  it('forgets values after the TTL (1 s TTL, checked at 1.5 s)', async () => {
    const store = open({ ttlSeconds: 1 });
    await store.put('a', new Uint8Array([1]));
    await store.putStream('b', chunks([new Uint8Array([2])]));
    await sleep(1_500);
    expect(await store.has('a')).toBe(false);
    await expect(store.get('b')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('shows a streamed value only once it is complete', async () => {
    const store = open();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    async function* slow(): AsyncIterable<Uint8Array> {
      yield new Uint8Array([1]);
      await gate;
      yield new Uint8Array([2]);
    }
    const putting = store.putStream('slow', slow());
    await sleep(50);
    expect(await store.has('slow')).toBe(false);
    release();
    await putting;
    expect([...(await store.get('slow'))]).toEqual([1, 2]);
  });

  it('gathers small chunks into larger appends without mixing up bytes, even from a source that reuses its buffer', async () => {
    const store = open();
    const sizes = [...Array.from({ length: 3000 }, () => 3001), 5 * 1024 * 1024, 17, 4 * 1024 * 1024, ...Array.from({ length: 10 }, () => 999_999)];
    const sent = createHash('sha256');
    async function* reusing(): AsyncIterable<Uint8Array> {
      const buffer = new Uint8Array(Math.max(...sizes));
      for (const [i, size] of sizes.entries()) {
        const chunk = buffer.subarray(0, size).fill(i % 251);
        sent.update(chunk);
        yield chunk;
      }
    }
    await store.putStream('reused', reusing());

    const expectedBytes = sizes.reduce((sum, size) => sum + size, 0);
    expect(await store.size('reused')).toBe(expectedBytes);
    expect(createHash('sha256').update(await store.get('reused')).digest('hex')).toBe(sent.digest('hex'));
  });

  it('keeps stores with different key prefixes apart', async () => {
    const left = open();
    const right = open();
    await left.put('same-key', new Uint8Array([1]));
    await right.put('same-key', new Uint8Array([2]));
    expect(await left.deletePrefix('')).toBe(1);
    expect([...(await right.get('same-key'))]).toEqual([2]);
  });

  it("leaves a caller's client open on close", async () => {
    const shared = new Redis(redis.server.url);
    const store = new RedisIntermediateStore(shared, { keyPrefix: randomPrefix() });
    await store.put('k', new Uint8Array([7]));
    await store.close();
    expect(await shared.ping()).toBe('PONG');
    await shared.quit();
  });

  it('fails with a retryable STORE_FAILED naming host:port when no server listens', async () => {
    const port = await freePort();
    const store = new RedisIntermediateStore(`redis://127.0.0.1:${port}`);
    const failure = await store.get('k').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WukongError);
    expect(failure).toMatchObject({ code: 'STORE_FAILED', retryable: true });
    expect((failure as Error).message).toContain(`127.0.0.1:${port}`);
    await store.close();
  });
});

async function* chunks(parts: Uint8Array[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield part;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
