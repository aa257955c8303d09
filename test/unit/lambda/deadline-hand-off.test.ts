import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import type { RunOutcome } from '../../../src/runtime/run-client.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import type { WukongOptions } from '../../../src/model/wukong-options.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { MemoryIntermediateStore } from '../../../src/storage/memory/memory-intermediate-store.js';
import { runInProcess } from '../../helpers/in-process-run.js';
import { syntheticDag } from '../../helpers/random-dags.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';

/**
 * The driver's deadline hand-off (DriverDeps.timeLeftMs), in one process with memory stores: when
 * time runs short after a task, an executor starts no new task, settles what it owes and hands the
 * rest to fresh executors. Whatever the DAG, the optimizations, and how soon time runs short, every
 * task runs exactly once, after its inputs, and the outputs equal the sequential reference.
 */
const ops = createBuiltinRegistry();
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

/** Runs `spec` with executors that each get time for `tasksPerExecutor` tasks. */
async function runWithDeadlines(spec: DagSpec, wukong: WukongOptions, tasksPerExecutor: number): Promise<RunOutcome> {
  const coordinator = new MemoryCoordinator();
  const store = new MemoryIntermediateStore();
  opened.push(coordinator, store);
  return runInProcess(spec, { store, coordinator, ops, wukong, tasksPerExecutor });
}

async function expectCorrectRun(spec: DagSpec, outcome: RunOutcome): Promise<void> {
  expect(outcome.failure).toBeUndefined();
  const ran = outcome.executors.flatMap((e) => e.tasks);
  const runs = new Map<string, number>();
  for (const t of ran) runs.set(t.taskId, (runs.get(t.taskId) ?? 0) + 1);
  for (const task of spec.tasks) expect(runs.get(task.id), `runs of ${task.id}`).toBe(1);
  const byId = new Map(ran.map((t) => [t.taskId, t]));
  for (const task of spec.tasks) {
    for (const dep of task.deps ?? []) expect(byId.get(dep)!.endAt <= byId.get(task.id)!.startAt, `${dep} before ${task.id}`).toBe(true);
  }
  await expectReferenceOutputs(runDagFromSpec(spec), outcome.outputs, ops);
}

const arbitrarySpec = fc
  .record({
    rows: fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: 30 }),
    sizes: fc.array(fc.constantFrom(8, 3000, 40_000), { minLength: 1, maxLength: 6 }),
  })
  .map(({ rows, sizes }) => syntheticDag(rows.map((picks, index) => ({ picks, args: { ms: 0, outputBytes: sizes[index % sizes.length] as number } }))));

// Small threshold and inline budget, so that random sizes take every path (inline, by key, delayed I/O).
const arbitraryOptions = fc.record({
  fanOutClustering: fc.boolean(),
  fanInClustering: fc.boolean(),
  delayedIo: fc.boolean(),
  alwaysStore: fc.boolean(),
  poll: fc.constant({ baseMs: 1, capMs: 4, maxTries: 3 }),
  thresholdBytes: fc.constant(10_000),
  inlineBudgetBytes: fc.constant(2_000),
});

describe('deadline hand-off', () => {
  it('splits a chain into executors of the budgeted length', async () => {
    const spec: DagSpec = {
      name: 'chain',
      tasks: Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, op: 'synthetic.work', args: { ms: 0, outputBytes: 5_000 }, ...(i > 0 ? { deps: [`c${i - 1}`] } : {}) })),
    };
    const wukong = { fanOutClustering: true, fanInClustering: true, delayedIo: true, alwaysStore: false, thresholdBytes: 1_000, inlineBudgetBytes: 1_000 };
    const outcome = await runWithDeadlines(spec, wukong, 2);
    await expectCorrectRun(spec, outcome);
    const executors = [...outcome.executors].sort((a, b) => a.startedAt - b.startedAt);
    expect(executors.map((e) => e.tasks.map((t) => t.taskId))).toEqual([
      ['c0', 'c1'],
      ['c2', 'c3'],
      ['c4', 'c5'],
    ]);
    // The 5,000-byte output is over the inline budget: it was stored for the next executor.
    expect(executors[1]!.tasks[0]!.bytesRead).toBeGreaterThan(0);
  });

  it('runs every task once, in order, with reference outputs, however soon time runs short', async () => {
    await fc.assert(
      fc.asyncProperty(arbitrarySpec, arbitraryOptions, fc.integer({ min: 1, max: 3 }), async (spec, wukong, tasksPerExecutor) => {
        await expectCorrectRun(spec, await runWithDeadlines(spec, wukong, tasksPerExecutor));
      }),
      { numRuns: 60 },
    );
  });
});
