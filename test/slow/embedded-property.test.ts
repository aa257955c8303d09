import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DagSpec } from '../../src/model/dag-schema.js';
import { runEmbedded } from '../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../src/model/compiled-dag.js';
import { MEMORY_STORES, type StoreConfig } from '../../src/runtime/store-config.js';
import type { WukongOptions } from '../../src/model/wukong-options.js';
import { combinationLabel, everyOptimizationCombination } from '../helpers/optimization-combinations.js';
import { syntheticDag } from '../helpers/random-dags.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { expectReferenceOutputs } from '../helpers/reference-outputs.js';

/**
 * Random DAGs of deterministic ops through the real runtime (threads, stores, Arrow codec): every
 * task runs once, none before its inputs, every fan-in fires once, and every output equals the
 * sequential reference — for all 8 optimization combinations, with memory and Redis stores.
 */
const arbitrarySpec = fc
  .record({
    rows: fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 60 }),
    sizes: fc.array(fc.constantFrom(8, 3000, 40_000), { minLength: 1, maxLength: 8 }),
  })
  .map(({ rows, sizes }) => syntheticDag(rows.map((picks, index) => ({ picks, args: { ms: 0, outputBytes: sizes[index % sizes.length] as number } }))));

const QUICK_POLL = { baseMs: 1, capMs: 4, maxTries: 3 };
// Small threshold and inline budget so the random sizes exercise every path; a quick poll.
const COMBINATIONS = everyOptimizationCombination({ thresholdBytes: 10_000, inlineBudgetBytes: 2_000, poll: QUICK_POLL });

async function checkRun(spec: DagSpec, wukong: WukongOptions, stores: StoreConfig): Promise<void> {
  const dag = runDagFromSpec(spec);
  const outcome = await runEmbedded(
    { spec: { dag: spec, wukong, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 20_000 },
    { threads: 2, stores, invokeConcurrency: 8 },
  );
  expect(outcome.failure).toBeUndefined();
  const timings = outcome.executors.flatMap((e) => e.tasks).filter((t) => t.execMs >= 0 && t.endAt >= t.startAt && t.op);
  const ran = timings.filter((t) => t.startAt > 0);
  const runsPerTask = new Map<string, number>();
  for (const t of ran) runsPerTask.set(t.taskId, (runsPerTask.get(t.taskId) ?? 0) + 1);
  for (const task of spec.tasks) expect(runsPerTask.get(task.id), `runs of ${task.id}`).toBe(1);
  const byId = new Map(ran.map((t) => [t.taskId, t]));
  for (const task of spec.tasks) {
    for (const dep of task.deps ?? []) expect((byId.get(dep)?.endAt ?? Infinity) <= (byId.get(task.id)?.startAt ?? -Infinity)).toBe(true);
  }
  await expectReferenceOutputs(dag, outcome.outputs);
}

describe('embedded runtime on random DAGs (memory stores)', () => {
  for (const wukong of COMBINATIONS) {
    it(`[${combinationLabel(wukong)}] runs every task once, in order, with reference outputs`, async () => {
      await fc.assert(fc.asyncProperty(arbitrarySpec, (spec) => checkRun(spec, wukong, MEMORY_STORES)), { numRuns: 4 });
    });
  }
});

describe('embedded runtime on random DAGs (Redis stores)', () => {
  let redis: RedisServerHandle;
  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis.stop();
  });
  for (const wukong of COMBINATIONS) {
    it(`[${combinationLabel(wukong)}] runs every task once, in order, with reference outputs`, async () => {
      const stores: StoreConfig = { coordinator: { kind: 'redis', url: redis.url }, intermediate: { kind: 'redis', url: redis.url }, ttlSeconds: 600 };
      await fc.assert(fc.asyncProperty(arbitrarySpec, (spec) => checkRun(spec, wukong, stores)), { numRuns: 2 });
    });
  }
});
