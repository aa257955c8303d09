import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultCacheFromFlags } from '../../../src/cli/cache-flags.js';
import { plannerOfWhatRuns } from '../../../src/cli/planned-input.js';
import { Dag } from '../../../src/dag/dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { PlannerOptionsSchema } from '../../../src/plan/planner-options.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { findWorkload, resolveParams } from '../../../workloads/index.js';
import { generateValidDag, sameOutputs } from '../../../workloads/replay-runner.js';
import { startLambdaStack, tieredStackOptions, tierFunctionNames, type LambdaStack } from './lambda-stack.js';

/**
 * A planned run with a result cache through the Lambda handler (emulator, Redis, s3rver): the
 * client plans only what misses, the plan travels in the run spec, and the functions follow it
 * from the hit frontier (issue 19 item 3).
 */

const TIERS = tierFunctionNames('wukong-cache');

let stack: LambdaStack;
let cacheDir: string;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), 'wk-lambda-cache-'));
  stack = await startLambdaStack(tieredStackOptions(TIERS));
}, 120_000);

afterAll(async () => {
  await stack?.stop();
  await rm(cacheDir, { recursive: true, force: true });
});

/** gemm small with one source block's seed changed. */
function gemmWithSeedChanged(spec: DagSpec, blockId: string): DagSpec {
  const changed = structuredClone(spec);
  const block = changed.tasks.find((t) => t.id === blockId)!;
  block.args = { ...block.args, seed: Number(block.args?.seed) + 1 };
  return changed;
}

describe('planned run with a result cache on the Lambda path', () => {
  it('heft plans only the changed block and its descendants; the functions run exactly those, to the embedded bits', async () => {
    const gemm = findWorkload('gemm')!;
    const spec = generateValidDag(gemm, resolveParams(gemm, { size: 'small' }));
    const registry = createBuiltinRegistry();
    const cacheFor = (s: DagSpec) => resultCacheFromFlags({ cache: cacheDir }, s.name ?? 'gemm', runDagFromSpec(s), registry);

    // Fill: WUKONG mode on Lambda stores every output, so every task gets an entry.
    const fillCache = (await cacheFor(spec))!;
    const filled = await stack.run(spec, runDagFromSpec(spec), DEFAULT_WUKONG_OPTIONS, 1769, {}, { cache: fillCache }).finally(() => fillCache.close());
    expect(filled.failure, stack.recentLogs()).toBeUndefined();
    expect(filled.cache).toMatchObject({ hits: 0, written: 20 });

    // Act: the changed DAG, planned by heft once the hits are known.
    const changed = gemmWithSeedChanged(spec, 'a-0-0');
    const dag = runDagFromSpec(changed);
    const { planToRun } = await plannerOfWhatRuns(Dag.fromSpec(changed), PlannerOptionsSchema.parse({ planner: 'heft', maxWorkers: 4 }), undefined, registry);
    const cache = (await cacheFor(changed))!;
    const outcome = await stack.run(changed, dag, DEFAULT_WUKONG_OPTIONS, 1769, {}, { cache, ...(planToRun ? { planToRun } : {}) }).finally(() => cache.close());

    // Assess
    expect(outcome.failure, stack.recentLogs()).toBeUndefined();
    const expected = ['a-0-0', 'c-0-0', 'c-0-1', 'mul-0-0-0', 'mul-0-0-1'];
    expect(outcome.cache?.recomputed.map((r) => r.taskId).sort()).toEqual(expected);
    expect(outcome.cache).toMatchObject({ hits: 6, plannedTasks: 5 });
    expect(Object.keys(outcome.plan?.tasks ?? {}).sort()).toEqual(expected);
    // Every executor was a planned worker on its planned tier, and ran only planned tasks, where the plan put them.
    const plan = outcome.plan!;
    for (const executor of outcome.executors) {
      expect(executor.worker).toBeDefined();
      expect(executor.memoryMb).toBe(plan.workers[String(executor.worker)]?.memoryMb);
      for (const task of executor.tasks) {
        expect(expected).toContain(task.taskId);
        if (!task.dup) expect(executor.worker).toBe(plan.tasks[task.taskId]?.worker);
      }
    }
    expect(new Set(outcome.executors.flatMap((e) => e.tasks.filter((t) => !t.dup).map((t) => t.taskId))).size).toBe(5);
    // The outputs are the bits an uncached embedded run of the changed DAG returns.
    const reference = await runEmbedded(
      { spec: { dag: changed, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
      { threads: 2, stores: MEMORY_STORES, invokeConcurrency: 64 },
    );
    expect(reference.failure).toBeUndefined();
    expect(sameOutputs(outcome.outputs, reference.outputs)).toBe(true);
  }, 120_000);
});
