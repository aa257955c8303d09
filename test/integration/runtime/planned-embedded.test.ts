import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { MEMORY_STORES, type StoreConfig } from '../../../src/runtime/store-config.js';
import { syntheticDag } from '../../helpers/random-dags.js';
import { randomPlan, type RandomPlanOptions } from '../../helpers/random-plan.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';

/**
 * Planned mode through the real embedded runtime (threads, stores, Arrow codec, inboxes): under
 * random plans every task runs once on its own worker, every worker starts once (plus one resume
 * per park), and the outputs equal the sequential reference.
 */
async function example(name: string): Promise<DagSpec> {
  return JSON.parse(await readFile(new URL(`../../../workloads/examples/${name}.json`, import.meta.url), 'utf8')) as DagSpec;
}

async function checkPlannedRun(spec: DagSpec, seed: number, planOptions: RandomPlanOptions, stores: StoreConfig, parkAfterMs: number, hedgeStarts = false) {
  // Prepare
  const dag = runDagFromSpec(spec);
  const ids = spec.tasks.map((t) => t.id);
  const plan: Plan = { ...randomPlan(dag, ids, seed, planOptions), ...(hedgeStarts ? { hedgeStarts } : {}) };
  // Act
  const outcome = await runEmbedded(
    { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0, plan, parkAfterMs }, dag, outputRefs: dag.outputRefs(), deadlineMs: 30_000 },
    { threads: 2, stores, invokeConcurrency: 8 },
  );
  // Assess
  expect(outcome.failure, JSON.stringify(plan.tasks)).toBeUndefined();
  const timings = outcome.executors.flatMap((e) => e.tasks.map((t) => ({ ...t, worker: e.worker })));
  const own = timings.filter((t) => !t.dup && t.endAt > 0 && t.execMs >= 0 && t.startAt > 0);
  const runs = new Map<string, number>();
  for (const t of own) runs.set(t.taskId, (runs.get(t.taskId) ?? 0) + 1);
  for (const id of ids) {
    expect(runs.get(id), `runs of ${id}`).toBe(1);
    expect(own.find((t) => t.taskId === id)?.worker, `worker of ${id}`).toBe(plan.tasks[id]?.worker);
  }
  for (const t of timings.filter((x) => x.dup)) expect(plan.tasks[t.taskId]?.worker).not.toBe(t.worker);
  const ids2 = outcome.executors.map((e) => e.executorId);
  expect(new Set(ids2).size).toBe(ids2.length);
  const usedWorkers = new Set(Object.values(plan.tasks).map((a) => a.worker));
  for (const w of usedWorkers) expect(ids2.filter((id) => id === `w-${w}`), `fresh starts of worker ${w}`).toHaveLength(1);
  for (const e of outcome.executors) expect(e.worker).toBeDefined();
  await expectReferenceOutputs(dag, outcome.outputs);
  return outcome;
}

const randomSpec = fc
  .array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 30 })
  .map((rows) => syntheticDag(rows.map((picks, index) => ({ picks, args: { ms: index % 3, outputBytes: 64 + index } }))));

describe('planned mode on the embedded backend (memory stores)', () => {
  for (const name of ['diamond', 'gemm-2x2', 'tree-reduction-16']) {
    it(`${name}: random plans give the reference outputs`, async () => {
      const spec = await example(name);
      for (let seed = 1; seed <= 4; seed += 1) await checkPlannedRun(spec, seed * 7919, { workers: 1 + (seed % 4) }, MEMORY_STORES, 500);
    });
  }

  it('hedged starts: the copy that loses the claim runs nothing and reports under its own id', async () => {
    const spec = await example('tree-reduction-16');
    for (let seed = 1; seed <= 3; seed += 1) {
      const outcome = await checkPlannedRun(spec, seed * 104_729, { workers: 2 + seed }, MEMORY_STORES, 500, true);
      for (const e of outcome.executors.filter((x) => x.executorId.endsWith('-unclaimed'))) {
        expect(e.tasks).toEqual([]);
        expect(e.executorId).toMatch(/^w-\d+#[01]-unclaimed$/);
      }
    }
  });

  it('dup on every task and a short park threshold (workers park and resume)', async () => {
    const spec = await example('tree-reduction-16');
    let resumes = 0;
    for (let seed = 1; seed <= 4; seed += 1) {
      const outcome = await checkPlannedRun(spec, seed * 104729, { workers: 3, dupAll: true }, MEMORY_STORES, 0);
      resumes += outcome.executors.filter((e) => e.executorId.includes('@')).length;
    }
    // parkAfterMs 0: any wait that does not end at once parks; some of the 4 runs must have waited.
    expect(resumes).toBeGreaterThan(0);
  });

  it('random DAGs under random plans', async () => {
    await fc.assert(
      fc.asyncProperty(randomSpec, fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 4 }), fc.constantFrom(0, 5, 500), async (spec, seed, workers, parkAfterMs) => {
        await checkPlannedRun(spec, seed, { workers }, MEMORY_STORES, parkAfterMs);
      }),
      { numRuns: 8 },
    );
  });

  it('a plan that leaves a task without a worker is bad input, and nothing runs', async () => {
    const spec = await example('diamond');
    const dag = runDagFromSpec(spec);
    const plan: Plan = randomPlan(dag, spec.tasks.map((t) => t.id), 1, { workers: 2 });
    const missing = spec.tasks[spec.tasks.length - 1]?.id as string;
    delete plan.tasks[missing];
    await expect(
      runEmbedded({ spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0, plan }, dag, outputRefs: dag.outputRefs(), deadlineMs: 5_000 }, { threads: 1, stores: MEMORY_STORES, invokeConcurrency: 4 }),
    ).rejects.toThrow(new RegExp(`task ${missing} has no worker`));
  });
});

describe('planned mode on the embedded backend (Redis coordinator and store)', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });

  it('gemm-2x2 and a tree under random plans give the reference outputs', async () => {
    const stores: StoreConfig = { coordinator: { kind: 'redis', url: redis.url }, intermediate: { kind: 'redis', url: redis.url }, ttlSeconds: 600 };
    for (let seed = 1; seed <= 3; seed += 1) {
      await checkPlannedRun(await example('gemm-2x2'), seed, { workers: 3 }, stores, 200);
      await checkPlannedRun(await example('tree-reduction-16'), seed, { workers: 4, dupAll: seed === 2 }, stores, seed === 3 ? 0 : 200);
    }
  });
});
