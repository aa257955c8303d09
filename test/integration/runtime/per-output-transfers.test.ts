import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { MEMORY_STORES, type StoreConfig } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { DEFAULT_TTL_SECONDS } from '../../../src/storage/coordinator.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

/**
 * No task downloads an output it does not reference (issue 14): `q` is a matrix.qr with Q (2,000 x
 * 8, 128 KB) and R (8 x 8, 512 B). Three consumers: two read only `q#1`, one only `q#0`. With no
 * inline budget, every consumer but the one q's executor becomes fetches its input by key, and
 * must read only the output it names.
 */
const SPEC: DagSpec = {
  name: 'qr-consumers',
  tasks: [
    { id: 'a', op: 'matrix.random', args: { rows: 2000, cols: 8, seed: 3 } },
    { id: 'q', op: 'matrix.qr', deps: ['a'] },
    { id: 'r1', op: 'matrix.scale', args: { factor: 2 }, deps: ['q#1'] },
    { id: 'r2', op: 'matrix.scale', args: { factor: 3 }, deps: ['q#1'] },
    { id: 'z', op: 'matrix.scale', args: { factor: 4 }, deps: ['q#0'] },
  ],
  outputs: ['r1', 'r2', 'z'],
};

/** Encoded R is 512 bytes of data plus the Arrow IPC framing; Q is 128,000 bytes of data. */
const R_AT_MOST = 4_096;
const Q_AT_LEAST = 128_000;

async function expectPerOutputReads(stores: StoreConfig): Promise<void> {
  const dag = runDagFromSpec(SPEC);
  const outcome = await runEmbedded(
    { spec: { dag: SPEC, wukong: { ...DEFAULT_WUKONG_OPTIONS, inlineBudgetBytes: 0 }, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 30_000 },
    { threads: 2, stores, invokeConcurrency: 4 },
  );
  expect(outcome.ok, outcome.failure?.message).toBe(true);
  const tasks = outcome.executors.flatMap((e) => e.tasks);
  const readOf = (id: string) => tasks.find((t) => t.taskId === id)?.bytesRead ?? Number.NaN;
  // Two of the three consumers ran in executors of their own and fetched.
  const fetched = ['r1', 'r2', 'z'].filter((id) => readOf(id) > 0);
  expect(fetched.length).toBe(2);
  for (const id of ['r1', 'r2']) expect(readOf(id), `${id} reads only R`).toBeLessThanOrEqual(R_AT_MOST);
  if (fetched.includes('z')) {
    expect(readOf('z')).toBeGreaterThanOrEqual(Q_AT_LEAST);
    expect(readOf('z'), 'z reads only Q').toBeLessThan(Q_AT_LEAST + R_AT_MOST);
  }
}

describe('per-output transfers: a consumer of q#i fetches only output i', () => {
  it('memory store', async () => {
    await expectPerOutputReads(MEMORY_STORES);
  });

  describe('Redis store', () => {
    let redis: RedisServerHandle;
    beforeAll(async () => {
      redis = await startRedisServer();
    });
    afterAll(async () => {
      await redis?.stop();
    });
    it('Redis store', async () => {
      await expectPerOutputReads({ coordinator: { kind: 'redis', url: redis.url }, intermediate: { kind: 'redis', url: redis.url }, ttlSeconds: 600 });
    });
  });

  describe('S3 store', () => {
    let s3: S3rverHandle;
    const savedEnv = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    beforeAll(async () => {
      s3 = await startS3rver();
      // Executor threads open their own S3 clients from the SDK's default chain, as Lambdas do.
      process.env.AWS_ACCESS_KEY_ID = s3.credentials.accessKeyId;
      process.env.AWS_SECRET_ACCESS_KEY = s3.credentials.secretAccessKey;
    });
    afterAll(async () => {
      if (savedEnv.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = savedEnv.id;
      if (savedEnv.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = savedEnv.secret;
      await s3?.stop();
    });
    it('S3 store', async () => {
      await expectPerOutputReads({ coordinator: { kind: 'memory' }, intermediate: { kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true }, ttlSeconds: DEFAULT_TTL_SECONDS });
    });
  });
});
