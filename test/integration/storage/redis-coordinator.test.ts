import { createHash, randomUUID } from 'node:crypto';
import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WukongError } from '../../../src/model/errors.js';
import { RedisCoordinator } from '../../../src/storage/redis/redis-coordinator.js';
import { RedisIntermediateStore } from '../../../src/storage/redis/redis-intermediate-store.js';
import { LUA_SOURCES } from '../../../src/storage/redis/redis-scripts.js';
import { freePort } from '../../../src/cli/free-port.js';
import { redisForThisFile, startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { describeCoordinatorConformance } from './coordinator.conformance.js';
import { redisCoordinatorUnderTest } from './redis-coordinator-under-test.js';

const redis = redisForThisFile();

const randomPrefix = (): string => `test:${randomUUID()}:`;

describeCoordinatorConformance('redis', async ({ ttlSeconds }) => redisCoordinatorUnderTest(redis.server.url, randomPrefix(), ttlSeconds));

describe('RedisCoordinator', () => {
  it('gives every key in Redis a TTL within (0, ttl], fan-in completer included', async () => {
    const keyPrefix = randomPrefix();
    const coordinator = new RedisCoordinator(redis.server.url, { keyPrefix, ttlSeconds: 30 });
    await coordinator.markFanIn('fan-in', 'a', 1);
    await coordinator.markFanIn('fan-in', 'a', 1);
    await coordinator.claim('claim', 'owner');
    await coordinator.claim('claim', 'owner');
    await coordinator.increment('counter');
    await coordinator.setValue('value', 'v');
    await coordinator.send('inbox', 'm');

    const keys = (await redis.client.keys(`${keyPrefix}*`)).map((key) => key.slice(keyPrefix.length)).sort();
    expect(keys).toEqual(['claim', 'counter', 'fan-in:completer', 'fan-in:marks', 'inbox', 'value']);
    for (const key of keys) {
      const ttlMs = await redis.client.pttl(keyPrefix + key);
      expect(ttlMs, key).toBeGreaterThan(0);
      expect(ttlMs, key).toBeLessThanOrEqual(30_000);
    }
    await coordinator.close();
  });

  it('runs its Lua scripts by SHA (defineCommand), cached on the server', async () => {
    const coordinator = new RedisCoordinator(redis.server.url, { keyPrefix: randomPrefix() });
    await coordinator.markFanIn('f', 'a', 2);
    await coordinator.claim('c', 'o');
    await coordinator.send('i', 'm');
    await coordinator.receive('i', 100);

    const shas = Object.values(LUA_SOURCES).map((lua) => createHash('sha1').update(lua).digest('hex'));
    expect(await redis.client.script('EXISTS', ...shas)).toEqual([1, 1, 1]);
    await coordinator.close();
  });

  it('close() closes its blocking connection as well as the main one', async () => {
    const before = await connectionCount();
    const coordinator = new RedisCoordinator(redis.server.url, { keyPrefix: randomPrefix() });
    await coordinator.receive('empty', 50);
    expect(await connectionCount()).toBe(before + 2);
    await coordinator.close();
    expect(await eventually(async () => (await connectionCount()) === before)).toBe(true);
  });

  it("leaves a caller's client open on close, and works on it", async () => {
    const shared = new Redis(redis.server.url);
    const coordinator = new RedisCoordinator(shared, { keyPrefix: randomPrefix() });
    expect(await coordinator.markFanIn('f', 'a', 1)).toMatchObject({ complete: true });
    await coordinator.send('i', 'm');
    expect(await coordinator.receive('i', 100)).toEqual(['m']);
    await coordinator.close();
    expect(await shared.ping()).toBe('PONG');
    await shared.quit();
  });

  it('fails with a retryable STORE_FAILED naming host:port when no server listens', async () => {
    const port = await freePort();
    const coordinator = new RedisCoordinator(`redis://127.0.0.1:${port}`);
    const failure = await coordinator.claim('k', 'o').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(WukongError);
    expect(failure).toMatchObject({ code: 'STORE_FAILED', retryable: true });
    expect((failure as Error).message).toContain(`127.0.0.1:${port}`);
    await coordinator.close();
  });
});

describe('Redis with AUTH (--requirepass)', () => {
  const password = `pw-${randomUUID()}`;
  let secured: RedisServerHandle;
  beforeAll(async () => {
    secured = await startRedisServer(['--requirepass', password]);
  });
  afterAll(async () => {
    await secured.stop();
  });

  it('connects with the password in the URL', async () => {
    const url = `redis://:${encodeURIComponent(password)}@127.0.0.1:${secured.port}`;
    const coordinator = new RedisCoordinator(url, { keyPrefix: randomPrefix() });
    const store = new RedisIntermediateStore(url, { keyPrefix: randomPrefix() });
    expect(await coordinator.markFanIn('f', 'a', 1)).toMatchObject({ complete: true });
    await store.put('k', new Uint8Array([1, 2, 3]));
    expect([...(await store.get('k'))]).toEqual([1, 2, 3]);
    await coordinator.close();
    await store.close();
  });

  it('fails clearly with a wrong password, never showing it', async () => {
    const wrongPassword = `wrong-${randomUUID()}`;
    const coordinator = new RedisCoordinator(`redis://:${wrongPassword}@127.0.0.1:${secured.port}`);
    const failure = await coordinator.getValue('k').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(WukongError);
    expect(failure).toMatchObject({ code: 'STORE_FAILED', retryable: true });
    const message = (failure as Error).message;
    expect(message).toContain(`127.0.0.1:${secured.port}`);
    expect(message).toMatch(/WRONGPASS|invalid username-password/);
    const printed = inspect(failure, { depth: Infinity });
    expect(printed).not.toContain(wrongPassword);
    expect(JSON.stringify(failure)).not.toContain(wrongPassword);
    await coordinator.close();
  });

  it('fails clearly without a password', async () => {
    const coordinator = new RedisCoordinator(`redis://127.0.0.1:${secured.port}`);
    const failure = await coordinator.getValue('k').catch((error: unknown) => error);
    expect(failure).toMatchObject({ code: 'STORE_FAILED' });
    expect((failure as Error).message).toMatch(/NOAUTH/);
    await coordinator.close();
  });
});

async function connectionCount(): Promise<number> {
  const list = (await redis.client.client('LIST')) as string;
  return list.trim().split('\n').length;
}

async function eventually(check: () => Promise<boolean>, timeoutMs = 2_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}
