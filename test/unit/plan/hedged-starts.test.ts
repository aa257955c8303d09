import { describe, expect, it } from 'vitest';
import { emptyCompactPlan, type CompactPlan } from '../../../src/plan/compact-plan.js';
import { estimatePlan, startTailMs } from '../../../src/plan/plan-estimate.js';
import { hedgesStarts } from '../../../src/plan/start-tail.js';
import type { TaskCosts } from '../../../src/plan/task-costs.js';
import { dagOf, roundCosts, work } from './plan-fixtures.js';

// Eight sources, each on its own worker, feed one sink on worker 8.
const sources = Array.from({ length: 8 }, (_, i) => work(`s${i}`, 0));
const dag = dagOf([...sources, work('sink', 0, sources.map((s) => s.id))]);
const spread = { medianMs: 250, p90Ms: 600 };

function costs(prior: TaskCosts['coldStartPrior']): TaskCosts {
  const base = roundCosts(dag, { execMs: Array(9).fill(100), outputBytes: Array(9).fill(1000), uploadMs: Array(9).fill(10), downloadMs: Array(9).fill(20) });
  return { ...base, ...(prior ? { coldStartPrior: prior } : {}) };
}

function plan(hedge: boolean): CompactPlan {
  const result = emptyCompactPlan(9);
  result.workerOf = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7, 8]);
  result.tierOf = Array(9).fill(0);
  result.hedgeStarts = hedge;
  return result;
}

describe('hedged starts in the estimator', () => {
  it('hedges only where cold starts vary', () => {
    expect(hedgesStarts(costs(spread))).toBe(true);
    expect(hedgesStarts(costs(undefined))).toBe(false);
  });

  it('the slowest of k hedged starts is well below the slowest of k single ones; a lone hedged start beats the median', () => {
    const c = costs(spread);
    expect(startTailMs(c, 8, 0.5, true)).toBeLessThan(startTailMs(c, 8) - 150);
    expect(startTailMs(c, 1, 0.5, true)).toBeLessThan(0);
    expect(startTailMs(c, 1000, 0.5, true)).toBeGreaterThan(startTailMs(c, 8, 0.5, true));
  });

  it('a hedged plan is forecast faster, billed one more request and a cold start per awaited start worker', () => {
    const c = costs(spread);
    const single = estimatePlan(c, plan(false));
    const hedged = estimatePlan(c, plan(true));
    expect(hedged.makespanMs).toBeLessThan(single.makespanMs - 100);
    expect(hedged.workerCount).toBe(single.workerCount);
    expect(hedged.costFormula).toContain(`${single.workerCount + 8} requests`);
  });

  it("a planner's own plans hedge as the platform suggests when they do not say", () => {
    const c = costs(spread);
    const unsaid = plan(true);
    unsaid.hedgeStarts = undefined;
    expect(estimatePlan(c, unsaid).makespanMs).toBe(estimatePlan(c, plan(true)).makespanMs);
    expect(estimatePlan(costs(undefined), unsaid).makespanMs).toBe(estimatePlan(costs(undefined), plan(false)).makespanMs);
  });

  it('the sink worker, invoked after the losing copies stopped, starts warm on one of their environments', () => {
    const c = costs(spread);
    const hedged = estimatePlan(c, plan(true));
    const sinkReady = hedged.workerReadyMs[8] as number;
    const sinkBegin = hedged.workerBeginMs[8] as number;
    expect(sinkReady - sinkBegin).toBeCloseTo(c.warmStartMs[0] as number, 9);
  });
});
