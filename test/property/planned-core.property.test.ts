import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ScheduleGraph } from '../../src/model/graph-view.js';
import { PlanLayout } from '../../src/scheduler/planned-layout.js';
import { graphOf, referenceValue, type ParentMap } from '../helpers/interleaved-run.js';
import { plannedInterleavedRun } from '../helpers/planned-interleaved-run.js';
import { earlierDeps } from '../helpers/random-dags.js';
import { randomPlan, randomTopologicalOrder, seededRandom } from '../helpers/random-plan.js';

/** Random multi-level DAGs: each task depends on 0..4 earlier tasks (acyclic by construction). */
const arbitraryDag = (maxTasks: number) =>
  fc.array(fc.array(fc.nat(), { maxLength: 4 }), { minLength: 1, maxLength: maxTasks }).map((rows) => {
    const parents: ParentMap = {};
    rows.forEach((picks, index) => {
      parents[`t${index}`] = earlierDeps(index, picks);
    });
    return parents;
  });

const seedArb = fc.integer({ min: 1, max: 2 ** 31 - 1 });

function assertCorrectRun(graph: ScheduleGraph & { tasks: string[] }, topo: string[], plan: ReturnType<typeof randomPlan>, seed: number, parkAfterMs: number, deadlineRate = 0, hedge = false) {
  // Act
  const result = plannedInterleavedRun(graph, topo, plan, seed, parkAfterMs, deadlineRate, hedge);
  // Assess
  expect(result.failures).toEqual([]);
  expect(result.stuck, 'workers that never stopped').toEqual([]);
  for (const id of graph.tasks) expect(result.runs.get(id), `runs of ${id}`).toBe(1);
  // A task's first computation (own or dup) follows the first computation of each of its inputs.
  const position = new Map<string, number>();
  result.computed.forEach(({ taskId }, i) => {
    if (!position.has(taskId)) position.set(taskId, i);
  });
  for (const id of graph.tasks) for (const p of graph.parents(id)) expect(position.get(p)).toBeLessThan(position.get(id) as number);
  const memo = new Map<string, string>();
  for (const { taskId, value } of result.computed) expect(value, `value of ${taskId}`).toBe(referenceValue(graph, taskId, memo));
  const layout = new PlanLayout(graph, topo, plan);
  for (const worker of layout.workers()) {
    expect(result.starts.get(worker), `fresh starts of worker ${worker}`).toBe(1);
    // Parked workers are resumed by a producer (or by themselves when handing off at a deadline).
    const parks = result.parks.get(worker) ?? 0;
    const handOffs = result.handOffs.get(worker) ?? 0;
    expect(result.resumes.get(worker) ?? 0, `resumes of worker ${worker}`).toBe(parks + handOffs);
  }
  const sinks = graph.tasks.filter((id) => graph.children(id).length === 0);
  expect([...result.outputsReady].sort()).toEqual(sinks.sort());
  return result;
}

describe('planned worker core, randomly interleaved (pure)', () => {
  it('random plans: every task runs once after its inputs, values equal the reference, each worker starts once', () => {
    fc.assert(
      fc.property(arbitraryDag(60), seedArb, seedArb, fc.integer({ min: 1, max: 6 }), fc.constantFrom(0, 50, 500), (parents, planSeed, seed, workers, parkAfterMs) => {
        // Prepare
        const graph = graphOf(parents);
        const topo = randomTopologicalOrder(graph, graph.tasks, seededRandom(planSeed ^ 0x5bd1));
        const plan = randomPlan(graph, graph.tasks, planSeed, { workers });
        assertCorrectRun(graph, topo, plan, seed, parkAfterMs);
      }),
      { numRuns: 300 },
    );
  });

  it('hedged starts: each start worker runs once whichever copy claims it, the other copy runs nothing', () => {
    let lost = 0;
    fc.assert(
      fc.property(arbitraryDag(40), seedArb, seedArb, fc.integer({ min: 1, max: 5 }), fc.boolean(), (parents, planSeed, seed, workers, dupAll) => {
        const graph = graphOf(parents);
        const topo = randomTopologicalOrder(graph, graph.tasks, seededRandom(planSeed ^ 0x2f));
        const plan = randomPlan(graph, graph.tasks, planSeed, { workers, dupAll });
        const result = assertCorrectRun(graph, topo, plan, seed, 50, 0, true);
        lost += result.lostClaims;
      }),
      { numRuns: 200 },
    );
    expect(lost).toBeGreaterThan(0);
  });

  it('plans with dup on every task stay correct, and dups do happen', () => {
    let dups = 0;
    fc.assert(
      fc.property(arbitraryDag(40), seedArb, seedArb, fc.integer({ min: 2, max: 5 }), (parents, planSeed, seed, workers) => {
        const graph = graphOf(parents);
        const topo = randomTopologicalOrder(graph, graph.tasks, seededRandom(planSeed));
        const plan = randomPlan(graph, graph.tasks, planSeed, { workers, dupAll: true });
        const result = assertCorrectRun(graph, topo, plan, seed, 100);
        for (const count of result.dupRuns.values()) dups += count;
      }),
      { numRuns: 200 },
    );
    expect(dups).toBeGreaterThan(0);
  });

  it('parking happens when waits time out, and every park is resumed exactly once', () => {
    let parks = 0;
    fc.assert(
      fc.property(arbitraryDag(50), seedArb, seedArb, (parents, planSeed, seed) => {
        const graph = graphOf(parents);
        const topo = randomTopologicalOrder(graph, graph.tasks, seededRandom(planSeed));
        const plan = randomPlan(graph, graph.tasks, planSeed, { workers: 3 });
        for (const annotation of Object.values(plan.tasks)) annotation.dup = false;
        // parkAfterMs 0: the first wait that does not end at once parks the worker.
        const result = assertCorrectRun(graph, topo, plan, seed, 0);
        for (const count of result.parks.values()) parks += count;
      }),
      { numRuns: 200 },
    );
    expect(parks).toBeGreaterThan(0);
  });

  it('deadline hand-offs at random: the rest of the list resumes in a fresh invocation, results unchanged', () => {
    let handOffs = 0;
    fc.assert(
      fc.property(arbitraryDag(50), seedArb, seedArb, fc.constantFrom(0, 100), (parents, planSeed, seed, parkAfterMs) => {
        const graph = graphOf(parents);
        const topo = randomTopologicalOrder(graph, graph.tasks, seededRandom(planSeed));
        const plan = randomPlan(graph, graph.tasks, planSeed, { workers: 3 });
        const result = assertCorrectRun(graph, topo, plan, seed, parkAfterMs, 0.3);
        for (const count of result.handOffs.values()) handOffs += count;
      }),
      { numRuns: 200 },
    );
    expect(handOffs).toBeGreaterThan(0);
  });

  it('a diamond across two workers: the join waits for the remote branch and the worker starts once', () => {
    // Prepare: a on 0, b on 1, c on 0, d on 0 (so d needs b from worker 1)
    const graph = graphOf({ a: [], b: ['a'], c: ['a'], d: ['b', 'c'] });
    const plan = {
      algorithm: 't',
      sla: 'avg',
      tasks: {
        a: { worker: 0, preload: false, prewarm: [1], dup: false },
        b: { worker: 1, preload: false, prewarm: [], dup: false },
        c: { worker: 0, preload: false, prewarm: [], dup: false },
        d: { worker: 0, preload: true, prewarm: [], dup: false },
      },
      workers: { '0': { memoryMb: 1769, vcpu: 1 }, '1': { memoryMb: 3008, vcpu: 1 } },
    };
    for (let seed = 1; seed <= 40; seed += 1) {
      // Act
      const result = assertCorrectRun(graph, ['a', 'b', 'c', 'd'], plan, seed, 20);
      // Assess
      expect(result.prewarms).toBeGreaterThanOrEqual(1);
    }
    expect(new PlanLayout(graph, ['a', 'b', 'c', 'd'], plan).expected('d')).toBe(2);
    expect(new PlanLayout(graph, ['a', 'b', 'c', 'd'], plan).expected('b')).toBe(1);
  });
});
