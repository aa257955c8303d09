import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutorStores, type ExecutorStores } from '../../../src/runtime/store-factory.js';
import { STORE_CALL_TIMEOUT_MS, withRunDeadline } from '../../../src/runtime/store-bounds.js';
import { DEFAULT_TTL_SECONDS } from '../../../src/storage/coordinator.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';

/**
 * Issue 22 item 4: every executor-side store call is bounded by a stated timeout
 * (STORE_CALL_TIMEOUT_MS) and by the run's deadline, not only by the adapter's 60 s command
 * timeout. A redis-server frozen with SIGSTOP keeps its sockets open and answers nothing; the
 * executor's call must fail with a message naming Redis and the bound. Prints `[store-bounds]`.
 */
let redis: RedisServerHandle;
let stores: ExecutorStores;

beforeAll(async () => {
  redis = await startRedisServer();
  // The executor hosts' path: worker threads and Lambda containers open their stores here.
  stores = await createExecutorStores({ coordinator: { kind: 'redis', url: redis.url }, intermediate: { kind: 'redis', url: redis.url }, ttlSeconds: DEFAULT_TTL_SECONDS });
  // Connected and answering before the freeze.
  await stores.coordinator.setValue('k', 'v');
  await stores.store.put('wk/r/out/a#0', new Uint8Array(8));
  redis.signal('SIGSTOP');
});

afterAll(async () => {
  redis?.signal('SIGCONT');
  await Promise.allSettled([stores?.store.close(), stores?.coordinator.close()]);
  await redis?.stop();
});

async function failure(call: Promise<unknown>): Promise<{ message: string; elapsedMs: number }> {
  const startedAt = performance.now();
  const error = await call.then(
    () => new Error('the call answered'),
    (e: unknown) => e as Error,
  );
  return { message: error.message, elapsedMs: performance.now() - startedAt };
}

describe('executor store calls against a frozen Redis', () => {
  it("fail at the run's deadline, naming Redis, when the deadline comes first", async () => {
    // Prepare
    const bounded = withRunDeadline(stores, Date.now() + 1_500, () => Date.now());
    // Act
    const [get, mark] = await Promise.all([failure(bounded.store.get('wk/r/out/a#0')), failure(bounded.coordinator.markFanIn('wk:r:fanin:b', 'a', 2))]);
    // Assess
    console.log(`[store-bounds] frozen redis, deadline 1.5 s ahead: get failed after ${Math.round(get.elapsedMs)} ms: ${get.message}`);
    expect(get.message).toMatch(new RegExp(`^redis 127\\.0\\.0\\.1:${redis.port}: get of wk/r/out/a#0 did not answer within \\d+ ms \\(the run's deadline\\)$`));
    expect(mark.message).toMatch(new RegExp(`^redis 127\\.0\\.0\\.1:${redis.port}: markFanIn of wk:r:fanin:b did not answer within \\d+ ms \\(the run's deadline\\)$`));
  });

  it(`fail after the stated ${STORE_CALL_TIMEOUT_MS} ms per call, naming Redis, before the adapter's 60 s command timeout`, async () => {
    // Act
    const { message, elapsedMs } = await failure(stores.coordinator.getValue('k'));
    // Assess
    console.log(`[store-bounds] frozen redis, no deadline: getValue failed after ${Math.round(elapsedMs)} ms: ${message}`);
    expect(message).toBe(`redis 127.0.0.1:${redis.port}: getValue of k did not answer within ${STORE_CALL_TIMEOUT_MS} ms (the store call timeout)`);
  }, STORE_CALL_TIMEOUT_MS + 30_000);
});
