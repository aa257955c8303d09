import { describe, expect, it } from 'vitest';
import { emptyCompactPlan } from '../../../src/plan/compact-plan.js';
import { estimatePlan } from '../../../src/plan/plan-estimate.js';
import { dagOf, roundCosts, work } from './plan-fixtures.js';

// 128 pairs: a dup source a_i on a worker of its own (nobody waits for it: its consumer
// recomputes it), a source b_i and their sum c_i on another. Plan order puts each a_i first.
const pairs = 128;
const tasks = Array.from({ length: pairs }, (_, i) => [work(`a${i}`, 1), work(`b${i}`, 1), work(`c${i}`, 1, [`a${i}`, `b${i}`])]).flat();
const dag = dagOf(tasks);
const n = tasks.length;

function interleavedPlan() {
  const plan = emptyCompactPlan(n);
  plan.workerOf = Int32Array.from(tasks.map((_, k) => 2 * Math.floor(k / 3) + (k % 3 === 0 ? 1 : 0)));
  plan.tierOf = Array(2 * pairs).fill(0);
  plan.dup = Uint8Array.from(tasks.map((_, k) => (k % 3 === 0 ? 1 : 0)));
  plan.order = Float64Array.from(tasks.map((_, k) => k));
  plan.hedgeStarts = false;
  return plan;
}

describe('the client invokes awaited start workers first (src/scheduler/planned-start.ts startLaunches)', () => {
  it('an awaited start worker is called after the awaited ones before it, not after the unawaited ones that plan order interleaves', () => {
    // Prepare: 64 concurrent calls of 50 ms: the 128 awaited workers take two rounds.
    const costs = roundCosts(dag, { execMs: Array(n).fill(1), outputBytes: Array(n).fill(100), uploadMs: Array(n).fill(1), downloadMs: Array(n).fill(1) });
    // Act
    const estimate = estimatePlan(costs, interleavedPlan());
    // Assess: the last awaited worker's call ends after one round (50) and its own call (50);
    // counted in plan order (call 255) it would be three rounds.
    expect(estimate.workerBeginMs[2 * (pairs - 1)]).toBe(100);
    // The unawaited ones follow: the last is call 255.
    expect(estimate.workerBeginMs[2 * pairs - 1]).toBe(3 * 50 + 50);
  });
});
