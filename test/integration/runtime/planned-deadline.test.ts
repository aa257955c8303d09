import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import type { RunOutcome } from '../../../src/runtime/run-client.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { MemoryIntermediateStore } from '../../../src/storage/memory/memory-intermediate-store.js';
import { runInProcess } from '../../helpers/in-process-run.js';
import { syntheticDag } from '../../helpers/random-dags.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';
import { randomPlan } from '../../helpers/random-plan.js';

/**
 * The planned driver in one process with memory stores (no threads): executors whose time runs
 * short hand the rest of their list to a fresh invocation; prewarms reach an invoker that has
 * them. Whatever the plan and the budget, each task runs once on its own worker and the outputs
 * equal the sequential reference.
 */
const ops = createBuiltinRegistry();
const opened: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((s) => s.close()));
});

interface Harness {
  outcome: RunOutcome;
  prewarmedMb: number[];
  invokedTiers: (number | undefined)[];
}

async function runPlanned(spec: DagSpec, plan: Plan, tasksPerExecutor: number, parkAfterMs = 50): Promise<Harness> {
  const coordinator = new MemoryCoordinator();
  const store = new MemoryIntermediateStore();
  opened.push(coordinator, store);
  const prewarmedMb: number[] = [];
  const invokedTiers: (number | undefined)[] = [];
  const outcome = await runInProcess(spec, {
    store,
    coordinator,
    ops,
    wukong: DEFAULT_WUKONG_OPTIONS,
    plan,
    parkAfterMs,
    tasksPerExecutor,
    onInvoke: (payload) => invokedTiers.push(payload.memoryMb),
    prewarm: async (memoryMb) => {
      prewarmedMb.push(memoryMb);
    },
  });
  return { outcome, prewarmedMb, invokedTiers };
}

async function expectCorrect(spec: DagSpec, plan: Plan, outcome: RunOutcome): Promise<void> {
  expect(outcome.failure).toBeUndefined();
  const own = outcome.executors.flatMap((e) => e.tasks.filter((t) => !t.dup).map((t) => ({ ...t, worker: e.worker })));
  const runs = new Map<string, number>();
  for (const t of own) runs.set(t.taskId, (runs.get(t.taskId) ?? 0) + 1);
  for (const task of spec.tasks) {
    expect(runs.get(task.id), `runs of ${task.id}`).toBe(1);
    expect(own.find((t) => t.taskId === task.id)?.worker).toBe(plan.tasks[task.id]?.worker);
  }
  await expectReferenceOutputs(runDagFromSpec(spec), outcome.outputs, ops);
}

const chain: DagSpec = {
  name: 'chain',
  tasks: Array.from({ length: 6 }, (_, i) => ({ id: `c${i}`, op: 'synthetic.work', args: { ms: 0, outputBytes: 5_000 }, ...(i > 0 ? { deps: [`c${i - 1}`] } : {}) })),
};

describe('planned driver: deadline hand-off, prewarm, tiers', () => {
  it('splits one worker’s chain into invocations of the budgeted length, resumed where each stopped', async () => {
    // Prepare: every task on worker 0 (3008 MB), time for 2 tasks per invocation
    const tasks: Plan['tasks'] = {};
    for (const t of chain.tasks) tasks[t.id] = { worker: 0, preload: false, prewarm: [], dup: false };
    const plan: Plan = { algorithm: 't', sla: 'avg', tasks, workers: { '0': { memoryMb: 3008, vcpu: 2 } } };
    // Act
    const { outcome, invokedTiers } = await runPlanned(chain, plan, 2);
    // Assess
    await expectCorrect(chain, plan, outcome);
    const executors = [...outcome.executors].sort((a, b) => a.startedAt - b.startedAt);
    expect(executors.map((e) => e.executorId)).toEqual(['w-0', 'w-0@c2', 'w-0@c4']);
    expect(executors.map((e) => e.tasks.map((t) => t.taskId))).toEqual([
      ['c0', 'c1'],
      ['c2', 'c3'],
      ['c4', 'c5'],
    ]);
    // The resumed invocation fetched c1 from the store (stored before the hand-off).
    expect(executors[1]!.tasks[0]!.bytesRead).toBeGreaterThan(0);
    expect(invokedTiers.every((mb) => mb === 3008)).toBe(true);
  });

  it('carries prewarm annotations to the invoker with the listed worker’s tier', async () => {
    const tasks: Plan['tasks'] = {};
    chain.tasks.forEach((t, i) => (tasks[t.id] = { worker: i < 3 ? 0 : 1, preload: i === 3, prewarm: i === 0 ? [1] : [], dup: false }));
    const plan: Plan = { algorithm: 't', sla: 'avg', tasks, workers: { '0': { memoryMb: 1769, vcpu: 1 }, '1': { memoryMb: 5307, vcpu: 3 } } };
    const { outcome, prewarmedMb, invokedTiers } = await runPlanned(chain, plan, 100);
    await expectCorrect(chain, plan, outcome);
    expect(prewarmedMb).toEqual([5307]);
    expect(invokedTiers).toEqual([1769, 5307]);
  });

  it('pre-warms the tiers of Plan.prewarmAtStart after the start calls (start workers need none)', async () => {
    const tasks: Plan['tasks'] = {};
    chain.tasks.forEach((t, i) => (tasks[t.id] = { worker: i < 3 ? 0 : 1, preload: false, prewarm: [], dup: false }));
    const plan: Plan = { algorithm: 't', sla: 'avg', tasks, workers: { '0': { memoryMb: 1769, vcpu: 1 }, '1': { memoryMb: 5307, vcpu: 3 } }, prewarmAtStart: [0, 1] };
    const { outcome, prewarmedMb, invokedTiers } = await runPlanned(chain, plan, 100);
    await expectCorrect(chain, plan, outcome);
    expect(prewarmedMb).toEqual([5307]);
    expect(invokedTiers).toEqual([1769, 5307]);
  });

  it('random plans and budgets: every task once on its worker, reference outputs', async () => {
    const spec = fc
      .array(fc.array(fc.nat(), { maxLength: 3 }), { minLength: 1, maxLength: 25 })
      .map((rows) => syntheticDag(rows.map((picks, index) => ({ picks, args: { ms: 0, outputBytes: 100 + index } }))));
    await fc.assert(
      fc.asyncProperty(spec, fc.integer({ min: 1, max: 2 ** 30 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), async (s, seed, workers, budget, dupAll) => {
        const plan = randomPlan(runDagFromSpec(s), s.tasks.map((t) => t.id), seed, { workers, dupAll });
        await expectCorrect(s, plan, (await runPlanned(s, plan, budget, seed % 2 === 0 ? 0 : 50)).outcome);
      }),
      { numRuns: 40 },
    );
  });
});
