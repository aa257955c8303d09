import { createHash, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEmbedded, type EmbeddedOutcome } from '../../../src/runtime/embedded/embedded-backend.js';
import type { RunProgress } from '../../../src/runtime/run-client.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import type { StoreConfig } from '../../../src/runtime/store-config.js';
import { DEFAULT_TTL_SECONDS } from '../../../src/storage/coordinator.js';
import { S3IntermediateStore } from '../../../src/storage/s3/s3-intermediate-store.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { startFaultProxy, type FaultProxyHandle } from '../../helpers/fault-proxy.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';
import { layeredDag } from './fault-dags.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';

/**
 * Store faults: S3 503 SlowDown and connection resets injected by a proxy in front of s3rver, and
 * redis-server killed and restarted mid-run. Runs either succeed with the sequential reference's
 * outputs or fail with an error naming the store, and always end within the run's deadline.
 * Figures printed here (`[store-faults] ...`) feed RELIABILITY.md.
 */

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

async function runWith(
  spec: DagSpec,
  stores: StoreConfig,
  deadlineMs: number,
  onProgress?: (progress: RunProgress) => void,
): Promise<{ outcome?: EmbeddedOutcome; error?: unknown; elapsedMs: number }> {
  const dag = runDagFromSpec(spec);
  const startedAt = performance.now();
  try {
    const outcome = await runEmbedded(
      { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: onProgress ? 50 : 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs, ...(onProgress ? { onProgress } : {}) },
      { threads: 2, stores, invokeConcurrency: 8 },
    );
    return { outcome, elapsedMs: performance.now() - startedAt };
  } catch (error) {
    return { error, elapsedMs: performance.now() - startedAt };
  }
}

describe('S3 through a fault-injecting proxy', () => {
  let s3: S3rverHandle;
  let proxy: FaultProxyHandle;
  const savedEnv = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };

  beforeAll(async () => {
    s3 = await startS3rver();
    proxy = await startFaultProxy(s3.endpoint, { slowDown: 0, reset: 0 }, 20_261_123);
    // Executor threads open their own S3 clients from the SDK's default chain, as Lambdas do.
    process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
  });
  afterAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = savedEnv.id;
    process.env.AWS_SECRET_ACCESS_KEY = savedEnv.secret;
    if (savedEnv.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
    if (savedEnv.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
    await proxy?.stop();
    await s3?.stop();
  });

  const s3Stores = (): StoreConfig => ({
    coordinator: { kind: 'memory' },
    intermediate: { kind: 's3', bucket: s3.bucket, endpoint: proxy.endpoint, forcePathStyle: true },
    ttlSeconds: DEFAULT_TTL_SECONDS,
  });

  it('store operations succeed byte for byte at 20 % injected faults: 10 % SlowDown, 10 % resets (mid-body included)', async () => {
    // Prepare: 16 values of 1 KiB..600 KiB; resets of GET bodies exercise the adapter's own
    // body retry (get) and ranged resume (getStream), which the SDK does not cover.
    proxy.setShares({ slowDown: 0.1, reset: 0.1 });
    const before = { ...proxy.stats };
    const store = new S3IntermediateStore({ bucket: s3.bucket, endpoint: proxy.endpoint, credentials: s3.credentials, keyPrefix: `p-${randomUUID()}/` });
    const values = Array.from({ length: 16 }, (_, i) => Uint8Array.from({ length: 1024 + i * 40_000 }, (_, j) => (i * 31 + j * 7) & 255));
    // Act
    await Promise.all(values.map((value, i) => store.put(`v${i}`, value)));
    const read = await Promise.all(values.map((_, i) => store.get(`v${i}`)));
    const streamed = await Promise.all(
      values.map(async (_, i) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of store.getStream(`v${i}`)) chunks.push(chunk);
        return new Uint8Array(Buffer.concat(chunks));
      }),
    );
    const sizes = await Promise.all(values.map((_, i) => store.size(`v${i}`)));
    await store.close();
    // Assess
    for (const [i, value] of values.entries()) {
      expect(sha256(read[i] as Uint8Array)).toBe(sha256(value));
      expect(sha256(streamed[i] as Uint8Array)).toBe(sha256(value));
      expect(sizes[i]).toBe(value.byteLength);
    }
    const injected = {
      requests: proxy.stats.requests - before.requests,
      slowDowns: proxy.stats.slowDowns - before.slowDowns,
      resetsBeforeResponse: proxy.stats.resetsBeforeResponse - before.resetsBeforeResponse,
      resetsMidBody: proxy.stats.resetsMidBody - before.resetsMidBody,
    };
    console.log(`[store-faults] s3 store ops at 10% SlowDown + 10% reset: ${JSON.stringify(injected)}`);
    expect(injected.slowDowns).toBeGreaterThan(0);
    expect(injected.resetsMidBody).toBeGreaterThan(0);
    expect(injected.resetsBeforeResponse).toBeGreaterThan(0);
  });

  it('an embedded run with S3 intermediates completes with correct outputs at 20 % injected faults', async () => {
    // Prepare: 3 layers x 4 tasks, every output 300 KB (above the inline budget: it goes to S3).
    proxy.setShares({ slowDown: 0.1, reset: 0.1 });
    const before = proxy.stats.slowDowns + proxy.stats.resetsBeforeResponse + proxy.stats.resetsMidBody;
    const requestsBefore = proxy.stats.requests;
    const spec = layeredDag(3, 3, 4, 2, 300_000);
    // Act
    const { outcome, error, elapsedMs } = await runWith(spec, s3Stores(), 45_000);
    // Assess
    expect(error).toBeUndefined();
    expect(outcome?.failure).toBeUndefined();
    await expectReferenceOutputs(runDagFromSpec(spec), (outcome as EmbeddedOutcome).outputs);
    const faults = proxy.stats.slowDowns + proxy.stats.resetsBeforeResponse + proxy.stats.resetsMidBody - before;
    console.log(`[store-faults] s3 run at 20%: ${proxy.stats.requests - requestsBefore} requests, ${faults} faults injected, ok in ${Math.round(elapsedMs)} ms`);
    expect(faults).toBeGreaterThan(0);
  });

  it('an embedded run fails with an error naming S3 within its deadline at 100 % injected faults', async () => {
    // Prepare: every request fails, mostly by resets (the SDK backs off 50 ms x 2^n for those,
    // 1 s x 2^n for SlowDown), so the case stays short; both kinds are in the mix.
    proxy.setShares({ slowDown: 0.2, reset: 0.8 });
    const deadlineMs = 8_000;
    const spec = layeredDag(4, 2, 3, 1, 300_000);
    // Act
    const { outcome, error, elapsedMs } = await runWith(spec, s3Stores(), deadlineMs);
    proxy.setShares({ slowDown: 0, reset: 0 });
    // Assess: the run's own failure, not a cleanup error, and an end bounded by the deadline
    // plus the (best-effort) cleanup's retries.
    expect(error).toBeUndefined();
    const message = outcome?.failure?.message ?? '';
    console.log(`[store-faults] s3 run at 100%: failed in ${Math.round(elapsedMs)} ms: ${message.slice(0, 200)}`);
    expect(outcome?.ok).toBe(false);
    expect(message).toMatch(/s3:\/\/wukong-test\/.* failed|did not finish within its deadline/);
    expect(elapsedMs).toBeLessThan(deadlineMs + 30_000);
  });
});

describe('redis-server killed and restarted mid-run', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  const redisStores = (): StoreConfig => ({
    coordinator: { kind: 'redis', url: redis.url },
    intermediate: { kind: 'redis', url: redis.url },
    ttlSeconds: DEFAULT_TTL_SECONDS,
  });

  // Restart once this many tasks are done (of 20): early, middle and late in the run.
  for (const restartAfterTasks of [1, 8, 15]) {
    it(`succeeds with correct outputs or fails naming Redis, never hangs [restart after ${restartAfterTasks} tasks]`, async () => {
      // Prepare: 5 layers x 4 tasks of 60 ms; executors report progress every 50 ms.
      const deadlineMs = 20_000;
      const spec = layeredDag(restartAfterTasks, 5, 4, 60, 300_000);
      let restart: Promise<void> | undefined;
      let restartedAtMs = 0;
      const startedAt = performance.now();
      // Act
      const { outcome, error, elapsedMs } = await runWith(spec, redisStores(), deadlineMs, (progress) => {
        if (restart || progress.tasksDone < restartAfterTasks) return;
        restartedAtMs = performance.now() - startedAt;
        restart = redis.restart();
      });
      await restart;
      // Assess
      expect(restart).toBeDefined();
      const message = error instanceof Error ? error.message : (outcome?.failure?.message ?? '');
      console.log(
        `[store-faults] redis restart after ${restartAfterTasks} tasks (${Math.round(restartedAtMs)} ms): ${outcome?.ok ? 'ok' : 'failed'} in ${Math.round(elapsedMs)} ms ${message.slice(0, 200)}`,
      );
      expect(elapsedMs).toBeLessThan(deadlineMs + 10_000);
      if (outcome?.ok) {
        await expectReferenceOutputs(runDagFromSpec(spec), outcome.outputs);
      } else {
        expect(message).toMatch(/redis/i);
      }
    });
  }
});
