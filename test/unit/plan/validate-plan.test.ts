import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { findPlanProblems, PlanValidationError, validatePlan, type PlanToValidate } from '../../../src/plan/validate-plan.js';
import { dagOf, TIERS, work } from './plan-fixtures.js';

// a -> b -> d, a -> c -> d
const dag = dagOf([work('a', 10), work('b', 10, ['a']), work('c', 10, ['a']), work('d', 10, ['b', 'c'])]);
const spec1769 = { memoryMb: 1769, vcpu: 1 };
const good: PlanToValidate = {
  tasks: { a: { worker: 0 }, b: { worker: 0 }, c: { worker: 1 }, d: { worker: 0 } },
  workers: { '0': spec1769, '1': spec1769 },
};
const codes = (plan: PlanToValidate) => findPlanProblems(dag, plan, { tiers: TIERS }).map((problem) => problem.code);

describe('validatePlan', () => {
  it('accepts a complete, consistent plan', () => {
    expect(findPlanProblems(dag, good, { tiers: TIERS })).toEqual([]);
    expect(() => validatePlan(dag, good, { tiers: TIERS })).not.toThrow();
  });

  it('names a task without annotation', () => {
    const { d: _d, ...tasks } = good.tasks;
    const problems = findPlanProblems(dag, { ...good, tasks }, { tiers: TIERS });
    expect(problems).toEqual([expect.objectContaining({ code: 'task-not-planned', taskIds: ['d'] })]);
  });

  it('names an annotation for a task not in the DAG', () => {
    const problems = findPlanProblems(dag, { ...good, tasks: { ...good.tasks, ghost: { worker: 0 } } }, { tiers: TIERS });
    expect(problems).toEqual([expect.objectContaining({ code: 'unknown-task', taskIds: ['ghost'] })]);
  });

  it('names a worker used by tasks but not configured, and a configured worker no task uses', () => {
    expect(codes({ ...good, tasks: { ...good.tasks, d: { worker: 7 } } })).toEqual(['unknown-worker']);
    const problems = findPlanProblems(dag, { ...good, tasks: { ...good.tasks, d: { worker: 7 } } }, { tiers: TIERS });
    expect(problems[0]?.workerIds).toEqual([7]);
    expect(problems[0]?.message).toMatch(/worker 7 runs task d/);
    expect(codes({ ...good, workers: { ...good.workers, '5': spec1769 } })).toEqual(['unused-worker']);
  });

  it('rejects a memory size outside the available tiers, and a vcpu that does not match the memory', () => {
    expect(codes({ ...good, workers: { '0': spec1769, '1': { memoryMb: 2048, vcpu: 2048 / 1769 } } })).toEqual(['tier-not-available']);
    expect(codes({ ...good, workers: { '0': spec1769, '1': { memoryMb: 3008, vcpu: 1 } } })).toEqual(['vcpu-mismatch']);
    // Rounding is allowed: 3008 / 1769 = 1.7004...
    expect(codes({ ...good, workers: { '0': spec1769, '1': { memoryMb: 3008, vcpu: 1.7 } } })).toEqual([]);
  });

  it('rejects prewarm of an unknown worker', () => {
    const problems = findPlanProblems(dag, { ...good, tasks: { ...good.tasks, a: { worker: 0, prewarm: [1, 9] } } }, { tiers: TIERS });
    expect(problems).toEqual([expect.objectContaining({ code: 'unknown-prewarm-worker', taskIds: ['a'], workerIds: [9] })]);
  });

  it('rejects a start-up prewarm of an unknown worker', () => {
    expect(findPlanProblems(dag, { ...good, prewarmAtStart: [1] }, { tiers: TIERS })).toEqual([]);
    expect(findPlanProblems(dag, { ...good, prewarmAtStart: [1, 9] }, { tiers: TIERS })).toEqual([expect.objectContaining({ code: 'unknown-prewarm-worker', workerIds: [9] })]);
  });

  it('rejects order on some tasks only, and order that does not grow along an edge', () => {
    expect(codes({ ...good, tasks: { ...good.tasks, a: { worker: 0, order: 0 } } })).toEqual(['partial-order']);
    const ordered = { a: { worker: 0, order: 0 }, b: { worker: 0, order: 2 }, c: { worker: 1, order: 1 }, d: { worker: 0, order: 2 } };
    const problems = findPlanProblems(dag, { ...good, tasks: ordered }, { tiers: TIERS });
    expect(problems).toEqual([expect.objectContaining({ code: 'order-against-edge', taskIds: ['b', 'd'] })]);
  });

  it('collects every problem into one BadInputError that lists them', () => {
    const bad: PlanToValidate = { tasks: { a: { worker: 0 }, b: { worker: 3 }, ghost: { worker: 0 } }, workers: { '0': { memoryMb: 999, vcpu: 1 } } };
    let caught: unknown;
    try {
      validatePlan(dag, bad, { tiers: TIERS, source: 'planner x' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PlanValidationError);
    expect(caught).toBeInstanceOf(BadInputError);
    const error = caught as PlanValidationError;
    expect(error.problems.map((problem) => problem.code).sort()).toEqual(['task-not-planned', 'task-not-planned', 'tier-not-available', 'unknown-task', 'unknown-worker', 'vcpu-mismatch']);
    expect(error.message).toMatch(/^invalid plan from planner x: 6 problem\(s\)/);
    expect(error.message).toMatch(/task c has no annotation/);
  });
});
