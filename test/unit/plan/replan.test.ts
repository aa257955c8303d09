import { describe, expect, it } from 'vitest';
import { parseSla } from '../../../src/metadata/sla.js';
import { evenReplanPoints, replanPhases, replanPointProblems, taskDepths } from '../../../src/plan/replan-phases.js';
import { ALL_OPS, ObservedTimesMetadata, observedFactors, remainingDag, replanRemaining } from '../../../src/plan/replan.js';
import type { PlanningAlgorithm, PlanningContext } from '../../../src/plan/planning-algorithm.js';
import { findPlanProblems } from '../../../src/plan/validate-plan.js';
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

  it('refuses an asynchronous planner and an invalid plan', () => {
    const observed = new Map([['s', { execMs: 10, memoryMb: 1769 }]]);
    const options = { metadata: flat, sla, context: { tiers: [1769] } };
    const asynchronous: PlanningAlgorithm = { name: 'async', plan: async () => ({ tasks: {}, workers: {} }) };
    expect(() => replanRemaining(asynchronous, dag, { atMs: 0, observed }, options)).toThrow(/plans asynchronously/);
    const partial: PlanningAlgorithm = { name: 'partial', plan: () => ({ tasks: { a: { worker: 0 } }, workers: { '0': { memoryMb: 1769, vcpu: 1 } } }) };
    expect(() => replanRemaining(partial, dag, { atMs: 0, observed }, options)).toThrow(/has no annotation/);
  });
});
