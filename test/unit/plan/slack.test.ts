import { describe, expect, it } from 'vitest';
import { emptyCompactPlan, type CompactPlan } from '../../../src/plan/compact-plan.js';
import { estimatePlan } from '../../../src/plan/plan-estimate.js';
import { startSlackMs } from '../../../src/plan/algorithms/slack.js';
import { dagOf, roundCosts, work } from './plan-fixtures.js';

// Worker 0 runs a (50 ms), p (1 ms), then q, which reads p and r; r runs on worker 1 and is in
// the store long before p starts. q is the last task: it decides the makespan.
const dag = dagOf([work('a', 0), work('p', 0, ['a']), work('r', 0), work('q', 0, ['p', 'r'])]);
const A = 0;
const P = 1;
const Q = 3;

function costs(aMs: number) {
  // r's output takes 40 ms to fetch; the rest move in 1 ms.
  return roundCosts(dag, { execMs: [aMs, 1, 10, 100], outputBytes: [1000, 1000, 1000, 1000], uploadMs: [1, 1, 1, 1], downloadMs: [1, 1, 40, 1] });
}

function plan(preloadQ: boolean): CompactPlan {
  const result = emptyCompactPlan(4);
  result.workerOf = Int32Array.from([0, 0, 1, 0]);
  result.tierOf = [0, 0];
  if (preloadQ) result.preload[Q] = 1;
  return result;
}

describe('start slack', () => {
  it("a preloaded task's gets start with the task before it on its worker: that task has no slack when they outlast it", () => {
    const base = estimatePlan(costs(50), plan(true));
    // q's gets (40 ms) go out as p starts, so q begins 40 ms after p's start, not after its end.
    expect((base.startMs[Q] as number) - (base.startMs[P] as number)).toBeCloseTo(40, 6);
    const slack = startSlackMs(costs(50), plan(true), base);
    expect(slack[P]).toBeCloseTo(0, 6);
    // The estimator agrees: p starting 30 ms later (a runs 30 ms longer) ends the plan 30 ms later.
    const later = estimatePlan(costs(80), plan(true));
    expect(later.makespanMs - base.makespanMs).toBeCloseTo(30, 6);
    expect((later.startMs[P] as number) - (base.startMs[P] as number)).toBeCloseTo(30, 6);
  });

  it('without preload the gets follow the task before, whose end is what counts', () => {
    const base = estimatePlan(costs(50), plan(false));
    const slack = startSlackMs(costs(50), plan(false), base);
    expect(slack[P]).toBeCloseTo(0, 6);
    expect(slack[A]).toBeCloseTo(0, 6);
  });
});

describe('start slack on a shared link', () => {
  // As above, and worker 1 also reads p (s): p uploads (30 ms) as it ends, and q's preloaded gets
  // (40 ms) queue behind that upload on worker 0's link.
  const shared = dagOf([work('a', 0), work('p', 0, ['a']), work('r', 0), work('q', 0, ['p', 'r']), work('s', 0, ['p'])]);
  function sharedCosts(aMs: number) {
    return roundCosts(shared, { execMs: [aMs, 1, 10, 100, 1], outputBytes: [1000, 1000, 1000, 1000, 1000], uploadMs: [1, 30, 1, 1, 1], downloadMs: [1, 1, 40, 1, 1] });
  }
  function sharedPlan(): CompactPlan {
    const result = emptyCompactPlan(5);
    result.workerOf = Int32Array.from([0, 0, 1, 0, 1]);
    result.tierOf = [0, 0];
    result.preload[Q] = 1;
    return result;
  }

  it("a preloaded task's gets wait for the upload of the task before it: that task has no slack", () => {
    const base = estimatePlan(sharedCosts(50), sharedPlan());
    // q starts after p's end, its upload and the gets: 1 + 30 + 40 ms after p starts.
    expect((base.startMs[Q] as number) - (base.startMs[P] as number)).toBeCloseTo(71, 6);
    expect(startSlackMs(sharedCosts(50), sharedPlan(), base)[P]).toBeCloseTo(0, 6);
    const later = estimatePlan(sharedCosts(80), sharedPlan());
    expect(later.makespanMs - base.makespanMs).toBeCloseTo(30, 6);
  });
});
