import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import { parseSla } from '../../../src/metadata/sla.js';
import { evenReplanPoints, replanPhases, replanPointProblems, taskDepths } from '../../../src/plan/replan-phases.js';
import { ALL_OPS, ObservedTimesMetadata, driftFactor, observedFactors, remainingDag, replanIfFaster, replanRemaining } from '../../../src/plan/replan.js';
import { planDag } from '../../../src/plan/plan-dag.js';
import { ReplanOnDriftSchema } from '../../../src/model/annotated-dag.js';
import type { PlanningAlgorithm, PlanningContext } from '../../../src/plan/planning-algorithm.js';
import { findPlanProblems } from '../../../src/plan/validate-plan.js';
import { predictTaskCosts } from '../../../src/plan/task-costs.js';
import { estimatePlan } from '../../../src/plan/plan-estimate.js';
import { emptyCompactPlan } from '../../../src/plan/compact-plan.js';
import { planHeftCompact } from '../../../src/plan/algorithms/heft.js';
import { FLAT_METADATA, STAGED_DAG } from './plan-fixtures.js';

// s -> a, b (op x) -> j (op y) -> z (op x); and a lone source q (depth 0) read by z.
const dag = STAGED_DAG;

const flat = FLAT_METADATA;
const sla = parseSla('median');

describe('re-planning phases', () => {
  it('depth is the longest path from a source; a point closes every task no deeper than it', () => {
    expect(Object.fromEntries(taskDepths(dag))).toEqual({ s: 0, q: 0, a: 1, b: 1, j: 2, z: 3 });
    expect(replanPhases(dag, ['a'])).toEqual([['s', 'q', 'a', 'b'], ['j', 'z']]);
    expect(replanPhases(dag, ['b', 'a', 'j'])).toEqual([['s', 'q', 'a', 'b'], ['j'], ['z']]);
    expect(replanPhases(dag, [])).toEqual([['s', 'q', 'a', 'b', 'j', 'z']]);
  });

  it('a point must be a task with something deeper after it; the plan validator says so', () => {
    expect(replanPointProblems(dag, ['a'])).toEqual([]);
    expect(replanPointProblems(dag, ['z', 'nope']).map((p) => p.taskIds)).toEqual([['z'], ['nope']]);
    const plan = { tasks: Object.fromEntries(dag.taskIds().map((id) => [id, { worker: 0 }])), workers: { '0': { memoryMb: 1769, vcpu: 1 } }, replanAfter: ['z'] };
    expect(findPlanProblems(dag, plan, { tiers: [1769] }).map((p) => p.code)).toEqual(['bad-replan-point']);
  });

  it('spreads points evenly over the depth', () => {
    expect(evenReplanPoints(dag, 1)).toEqual(['a']); // depth floor(3/2) = 1
    expect(evenReplanPoints(dag, 2)).toEqual(['a', 'j']);
  });
});

describe('re-planning the rest', () => {
  it('the remaining DAG keeps the finished inputs as sources', () => {
    const { remaining, done } = remainingDag(dag, new Set(['s', 'q', 'a', 'b']));
    expect([...done].sort()).toEqual(['a', 'b', 'q']);
    expect([...remaining.topologicalOrder()].sort()).toEqual(['a', 'b', 'j', 'q', 'z']);
    expect(remaining.parents('a')).toEqual([]);
    expect(remaining.parents('z')).toEqual(['j', 'q']);
  });

  it('scales predictions by observed / predicted per op, all ops for one not seen', () => {
    const observed = new Map([
      ['a', { execMs: 30, memoryMb: 1769 }],
      ['b', { execMs: 50, memoryMb: 1769 }],
      ['s', { execMs: 10, memoryMb: 1769 }],
    ]);
    const factors = observedFactors(dag, { atMs: 0, observed }, flat, sla);
    expect(factors.get('x')).toBeCloseTo(90 / 30, 9);
    expect(factors.get(ALL_OPS)).toBeCloseTo(3, 9);
    const scaled = new ObservedTimesMetadata(flat, (id) => (id === 'j' ? 3 : 0));
    expect(scaled.predictExecutionTime('j', undefined, [{ memoryMb: 1769, vcpu: 1 }])[0]?.ms).toBe(30);
    expect(scaled.predictExecutionTime('a', undefined, [{ memoryMb: 1769, vcpu: 1 }])[0]?.ms).toBe(0);
  });

  it('hands the planner the remaining DAG, the finished tasks and the factors; keeps only the new tasks', () => {
    let seen: { ids: string[]; context: PlanningContext; jMs: number } | undefined;
    const planner: PlanningAlgorithm = {
      name: 'spy',
      plan(remaining, metadata, _sla, context) {
        seen = { ids: [...remaining.topologicalOrder()], context, jMs: metadata.predictExecutionTime('j', undefined, [{ memoryMb: 1769, vcpu: 1 }])[0]?.ms ?? -1 };
        return { tasks: Object.fromEntries(remaining.taskIds().map((id) => [id, { worker: id === 'z' ? 1 : 0 }])), workers: { '0': { memoryMb: 1769, vcpu: 1 }, '1': { memoryMb: 1769, vcpu: 1 } } };
      },
    };
    const observed = new Map(['s', 'q', 'a', 'b'].map((id) => [id, { execMs: 20, memoryMb: 1769 }] as const));
    const plan = replanRemaining(planner, dag, { atMs: 500, observed }, { metadata: flat, sla, context: { tiers: [1769] } });
    expect(seen?.context.replanning?.atMs).toBe(500);
    expect([...(seen?.context.replanning?.done ?? [])].sort()).toEqual(['a', 'b', 'q']);
    expect(seen?.jMs).toBeCloseTo(20, 9); // 10 ms predicted, observed twice that
    expect(Object.keys(plan.tasks).sort()).toEqual(['j', 'z']);
    expect(Object.keys(plan.workers).sort()).toEqual(['0', '1']);
  });

  it('a drift re-plan leaves running tasks out: the rest reads them as finished sources; the drift is over finished tasks only', () => {
    let seen: { ids: string[]; done: string[] } | undefined;
    const planner: PlanningAlgorithm = {
      name: 'spy',
      plan(remaining, _metadata, _sla, context) {
        seen = { ids: [...remaining.topologicalOrder()].sort(), done: [...(context.replanning?.done ?? [])].sort() };
        return { tasks: Object.fromEntries(remaining.taskIds().map((id) => [id, { worker: 0 }])), workers: { '0': { memoryMb: 1769, vcpu: 1 } } };
      },
    };
    // s and q finished (20 ms each, 10 predicted: drift 2); a is running; b has not started.
    const observed = new Map(['s', 'q'].map((id) => [id, { execMs: 20, memoryMb: 1769 }] as const));
    expect(driftFactor(dag, observed, flat, sla)).toBeCloseTo(2, 9);
    expect(driftFactor(dag, new Map(), flat, sla)).toBeUndefined();
    const plan = replanRemaining(planner, dag, { atMs: 40, observed, running: new Set(['a']) }, { metadata: flat, sla, context: { tiers: [1769] } });
    expect(seen?.ids).toEqual(['a', 'b', 'j', 'q', 's', 'z']);
    expect(seen?.done).toEqual(['a', 'q', 's']);
    expect(Object.keys(plan.tasks).sort()).toEqual(['b', 'j', 'z']);
  });

  it('replanIfFaster keeps the run\'s plan unless the new one is forecast at least minGain sooner', () => {
    const onOne: PlanningAlgorithm = { name: 'one', plan: (d) => ({ tasks: Object.fromEntries(d.taskIds().map((id) => [id, { worker: 0 }])), workers: { '0': { memoryMb: 1769, vcpu: 1 } } }) };
    const current = { tasks: Object.fromEntries(dag.taskIds().map((id) => [id, { worker: 0, preload: false, prewarm: [], dup: false }])), workers: { '0': { memoryMb: 1769, vcpu: 1 } } };
    const observed = new Map(['s', 'q'].map((id) => [id, { execMs: 20, memoryMb: 1769 }] as const));
    const options = { metadata: flat, sla, context: { tiers: [1769] } };
    const request = (minGain: number) => ({ atMs: 40, observed, heldWorkers: new Map([[1769, 1]]), current: { plan: current, upWorkers: new Map([[1769, 1]]), minGain } });
    // The new plan is the run's own (one worker, up now either way): the same forecast.
    expect(replanIfFaster(onOne, dag, request(0.1), options)).toBeUndefined();
    expect(replanIfFaster(onOne, dag, request(0), options)?.tasks).toBeDefined();
    // Without `current` (a point), it always re-plans.
    expect(replanIfFaster(onOne, dag, { atMs: 40, observed }, options)?.tasks).toBeDefined();
  });

  it('planDag keeps a drift trigger, the caller\'s over the planner\'s; the schema refuses a ratio of 1 or less', async () => {
    const planner: PlanningAlgorithm = {
      name: 'drifty',
      plan: (d) => ({ tasks: Object.fromEntries(d.taskIds().map((id) => [id, { worker: 0 }])), workers: { '0': { memoryMb: 1769, vcpu: 1 } }, replanOnDrift: { ratio: 2, minTasks: 3 } }),
    };
    expect((await planDag(dag, planner, { metadata: flat, sla, tiers: [1769] })).plan.replanOnDrift).toEqual({ ratio: 2, minTasks: 3 });
    expect((await planDag(dag, planner, { metadata: flat, sla, tiers: [1769], replanOnDrift: { ratio: 1.5, minTasks: 1 } })).plan.replanOnDrift).toEqual({ ratio: 1.5, minTasks: 1 });
    expect(ReplanOnDriftSchema.safeParse({ ratio: 1, minTasks: 1 }).success).toBe(false);
    expect(ReplanOnDriftSchema.safeParse({ ratio: 1.2, minTasks: 0 }).success).toBe(false);
  });

  it('passes the held workers and idle environments to the planner', () => {
    let seen: PlanningContext | undefined;
    const planner: PlanningAlgorithm = {
      name: 'spy',
      plan(remaining, _metadata, _sla, context) {
        seen = context;
        return { tasks: Object.fromEntries(remaining.taskIds().map((id) => [id, { worker: 0 }])), workers: { '0': { memoryMb: 1769, vcpu: 1 } } };
      },
    };
    const observed = new Map(['s', 'q', 'a', 'b'].map((id) => [id, { execMs: 20, memoryMb: 1769 }] as const));
    replanRemaining(planner, dag, { atMs: 500, observed, heldWorkers: new Map([[1769, 2]]), warmEnvironments: new Map([[1769, 5]]) }, { metadata: flat, sla, context: { tiers: [1769] } });
    expect(seen?.replanning?.heldWorkers).toEqual(new Map([[1769, 2]]));
    expect(seen?.replanning?.warmEnvironments).toEqual(new Map([[1769, 5]]));
  });

  it('the estimator starts a re-planned worker on a held worker (no Invoke call, no start-up), else warm, else cold', () => {
    // Prepare: j and z on one worker after s, q, a, b ran; z also reads q (stored).
    const { remaining, done } = remainingDag(dag, new Set(['s', 'q', 'a', 'b']));
    const plan = emptyCompactPlan(remaining.taskIds().length);
    plan.tierOf.push(0);
    const readyAt = (fleet?: Parameters<typeof predictTaskCosts>[6]) => {
      const costs = predictTaskCosts(remaining, flat, sla, [1769], undefined, done, fleet);
      const estimate = estimatePlan(costs, plan);
      return { ready: estimate.workerReadyMs[0], invokeApiMs: costs.invokeApiMs };
    };
    // Act
    const cold = readyAt();
    const held = readyAt({ heldWorkers: new Map([[1769, 1]]) });
    const warm = readyAt({ heldWorkers: new Map([[1769, 0]]), warmEnvironments: new Map([[1769, 1]]) });
    // Assess: without a platform a coordination round trip is free; the flat metadata starts cold in 100 ms, warm in 10.
    expect(cold.ready).toBeCloseTo(cold.invokeApiMs + 100, 9);
    expect(held.ready).toBe(0);
    expect(warm.ready).toBeCloseTo(warm.invokeApiMs + 10, 9);
  });

  it('HEFT opens held workers first, then warm ones, and cold ones only when they pay', () => {
    // Prepare: a wide remaining stage, 8 tasks of 100 ms reading one finished source.
    const wide = remainingDag(Dag.fromSpec({ tasks: [{ id: 's', op: 'x' }, ...Array.from({ length: 8 }, (_, i) => ({ id: `t${i}`, op: 'x', deps: ['s'] }))] }), new Set(['s']));
    const slower = new ObservedTimesMetadata(flat, (id) => (id === 's' ? 0 : 10)); // as replanRemaining: 0 for a finished task
    const costsWith = (fleet?: Parameters<typeof predictTaskCosts>[6]) => predictTaskCosts(wide.remaining, slower, sla, [1769], undefined, wide.done, fleet);
    // Act
    const none = planHeftCompact(costsWith(), 0, 8);
    const fleet = planHeftCompact(costsWith({ heldWorkers: new Map([[1769, 3]]), warmEnvironments: new Map([[1769, 2]]) }), 0, 8);
    // Assess (workers of the 8 tasks; the finished s is placed too, and dropped by replanRemaining):
    const ids = costsWith().graph.ids;
    const workersOfStage = (plan: { workerOf: Int32Array }) => new Set(ids.flatMap((id, i) => (id === 's' ? [] : [plan.workerOf[i]]))).size;
    expect(ids.length).toBe(9);
    // every worker cold (Invoke + 100 ms) still beats running in series: 8 workers.
    expect(workersOfStage(none.plan)).toBe(8);
    // 3 held (ready at once) and 2 warm (Invoke + 10 ms) take the 8 tasks in two rounds; a cold
    // worker (ready after Invoke + 100 ms) would end its task later than a held one's second round.
    expect(workersOfStage(fleet.plan)).toBe(5);
    expect(fleet.estimate.makespanMs).toBeLessThan(none.estimate.makespanMs);
  });

  it('refuses an asynchronous planner and an invalid plan', () => {
    const observed = new Map([['s', { execMs: 10, memoryMb: 1769 }]]);
    const options = { metadata: flat, sla, context: { tiers: [1769] } };
    const asynchronous: PlanningAlgorithm = { name: 'async', plan: async () => ({ tasks: {}, workers: {} }) };
    expect(() => replanRemaining(asynchronous, dag, { atMs: 0, observed }, options)).toThrow(/plans asynchronously/);
    const partial: PlanningAlgorithm = { name: 'partial', plan: () => ({ tasks: { a: { worker: 0 } }, workers: { '0': { memoryMb: 1769, vcpu: 1 } } }) };
    expect(() => replanRemaining(partial, dag, { atMs: 0, observed }, options)).toThrow(/has no annotation/);
  });
});
