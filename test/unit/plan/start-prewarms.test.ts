import { describe, expect, it } from 'vitest';
import { emptyCompactPlan, fromPlanOutput, toPlanOutput, type CompactPlan } from '../../../src/plan/compact-plan.js';
import { estimatePlan } from '../../../src/plan/plan-estimate.js';
import { StartPrewarms } from '../../../src/plan/start-prewarms.js';
import { clientCallsOf } from '../../../src/plan/client-calls.js';
import { awaitedWorkers } from '../../../src/plan/start-waves.js';
import { addStartPrewarms, estimated } from '../../../src/plan/algorithms/optimizations.js';
import type { TaskCosts } from '../../../src/plan/task-costs.js';
import { dagOf, roundCosts, work } from './plan-fixtures.js';

// A source s on worker 0 (1 s of compute) feeds a and b, each on its own worker (1, 2): a producer
// invokes them. Invoke 50 ms, cold start 200, warm 20 (roundCosts), no spread: no hedged starts.
const dag = dagOf([work('s', 0), work('a', 0, ['s']), work('b', 0, ['s'])]);

function costs(extra: Partial<TaskCosts> = {}): TaskCosts {
  return roundCosts(dag, { execMs: [1000, 100, 100], outputBytes: [1000, 1000, 1000], uploadMs: [10, 10, 10], downloadMs: [10, 10, 10] }, extra);
}

function plan(prewarmAtStart?: number[]): CompactPlan {
  const result = emptyCompactPlan(3);
  result.workerOf = Int32Array.from([0, 1, 2]);
  result.tierOf = [0, 0, 0];
  if (prewarmAtStart) result.prewarmAtStart = prewarmAtStart;
  return result;
}

describe('start-up prewarms in the estimator', () => {
  it('a producer-invoked worker starts warm on a prewarm idle by its own call, and the prewarm is billed with a request', () => {
    // Arrange
    const c = costs();
    // Act
    const cold = estimatePlan(c, plan());
    const warm = estimatePlan(c, plan([1, 2]));
    // Assess: both invoked ~1.3 s in, long after the prewarms went idle (call end 50 ms + 200 ms).
    for (const worker of [1, 2]) {
      expect((cold.workerReadyMs[worker] as number) - (cold.workerBeginMs[worker] as number)).toBe(200);
      expect((warm.workerReadyMs[worker] as number) - (warm.workerBeginMs[worker] as number)).toBe(20);
    }
    expect(warm.makespanMs).toBeCloseTo(cold.makespanMs - 180, 6);
    expect(cold.costFormula).toContain('3 requests');
    expect(warm.costFormula).toContain('5 requests');
  });

  it('a prewarm still starting when the worker is invoked does not make it warm (the client queues its calls)', () => {
    // Arrange: one call at a time, 1 s each: the prewarms' calls end at 2,050 and 3,050 ms, after
    // the source's call (50 ms), so neither is idle when a and b are invoked (~1.3 s).
    const c = costs({ clientInvokeConcurrency: 1, invokeApiMeanMs: 1000, execMs: [Float64Array.from([100, 100, 100])] });
    // Act
    const estimate = estimatePlan(c, plan([1, 2]));
    // Assess
    for (const worker of [1, 2]) expect((estimate.workerReadyMs[worker] as number) - (estimate.workerBeginMs[worker] as number)).toBe(200);
    expect(estimate.makespanMs).toBe(estimatePlan(c, plan()).makespanMs);
  });

  it('a start worker is not pre-warmed: the client invokes it at once', () => {
    const c = costs();
    const estimate = estimatePlan(c, plan([0]));
    expect(estimate.costFormula).toContain('3 requests');
    expect(estimate.makespanMs).toBe(estimatePlan(c, plan()).makespanMs);
  });

  it("the prewarms' cold starts spread over the platform's: of two, one is idle at their call end plus the median", () => {
    // Arrange
    const c = costs({ coldStartPrior: { medianMs: 200, p90Ms: 600 } });
    const p = plan([1, 2]);
    p.hedgeStarts = false;
    const calls = clientCallsOf(c, p, c.graph.topo, awaitedWorkers(c, p), false);
    // Act
    const prewarms = new StartPrewarms(c, p, calls, false);
    // Assess: quantiles 0.25 and 0.75 of the cold start, both calls ending at 50 ms.
    expect(prewarms.take(0, 250)).toBe(true);
    expect(prewarms.take(0, 250)).toBe(false);
    expect(prewarms.take(0, 1000)).toBe(true);
    expect(prewarms.take(0, 10_000)).toBe(false);
  });

  it('the plan form keeps the list, and drops a listed worker that runs no task', () => {
    const c = costs();
    const output = toPlanOutput(c, plan([1, 2]));
    expect(output.prewarmAtStart).toEqual([1, 2]);
    expect(fromPlanOutput(c, { ...output, prewarmAtStart: [2, 7] }).prewarmAtStart).toEqual([2]);
  });
});

describe('addStartPrewarms', () => {
  // s on worker 0 feeds a on worker 1, whose output t on worker 0 reads: worker 0 waits (billed)
  // through worker 1's start-up, so a warm start saves more than the prewarm costs.
  const chain = dagOf([work('s', 0), work('a', 0, ['s']), work('t', 0, ['a'])]);
  const chainCosts = (extra: Partial<TaskCosts> = {}) => roundCosts(chain, { execMs: [1000, 100, 100], outputBytes: [1000, 1000, 1000], uploadMs: [10, 10, 10], downloadMs: [10, 10, 10] }, extra);
  const chainPlan = (): CompactPlan => {
    const result = emptyCompactPlan(3);
    result.workerOf = Int32Array.from([0, 1, 0]);
    result.tierOf = [0, 0];
    return result;
  };

  it('pre-warms the producer-invoked workers when that is forecast shorter at no higher cost', () => {
    const c = chainCosts();
    const current = estimated(c, chainPlan());
    const next = addStartPrewarms(c, current);
    expect(next.plan.prewarmAtStart).toEqual([1]);
    expect(next.estimate.makespanMs).toBeCloseTo(current.estimate.makespanMs - 180, 6);
    expect(next.estimate.costUsd).toBeLessThanOrEqual(current.estimate.costUsd);
  });

  it('keeps the plan when the prewarms would cost more (nobody waits through the start-up but the worker itself)', () => {
    const c = costs();
    const current = estimated(c, plan());
    expect(estimatePlan(c, plan([1, 2])).makespanMs).toBeLessThan(current.estimate.makespanMs);
    expect(addStartPrewarms(c, current)).toBe(current);
  });

  it('keeps the plan when the prewarms would not be idle in time', () => {
    const c = chainCosts({ clientInvokeConcurrency: 1, invokeApiMeanMs: 1000, execMs: [Float64Array.from([100, 100, 100])] });
    const current = estimated(c, chainPlan());
    expect(addStartPrewarms(c, current)).toBe(current);
  });
});
