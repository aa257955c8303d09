import { describe, expect, it } from 'vitest';
import { emptyCompactPlan } from '../../../src/plan/compact-plan.js';
import { estimatePlan } from '../../../src/plan/plan-estimate.js';
import type { TaskCosts } from '../../../src/plan/task-costs.js';
import { dagOf, roundCosts, work } from './plan-fixtures.js';

// a (worker 0) and x then b (worker 1); b reads a and x. 1,000 bytes each, a store server that
// moves 1 byte per ms: the server bound (bytes / rate) is far above the schedule (~0.5 s).
const dag = dagOf([work('a', 0), work('x', 0), work('b', 0, ['a', 'x'])]);

function costs(xMs: number): TaskCosts {
  return roundCosts(dag, { execMs: [100, xMs, 50], outputBytes: [1000, 1000, 1000], uploadMs: [10, 10, 10], downloadMs: [500, 20, 20] }, { storeServerBytesPerMs: 1 });
}

describe("the store server's bound", () => {
  it('leaves out the fetch of a dup producer that the consumer recomputes (GEMM: 96 GB counted against 48.6 GB moved)', () => {
    const p = emptyCompactPlan(3);
    p.workerOf = Int32Array.from([0, 1, 1]);
    p.tierOf = [0, 0];
    // Without dup, worker 1 fetches a: a's put, its get and b's put (an output) go through the server.
    expect(estimatePlan(costs(100), p).makespanMs).toBe(3000);
    p.dup[0] = 1;
    // a is not stored when worker 1 turns to b (350 against 360): it recomputes a and gets nothing;
    // a is still put (its worker does not know), and b is.
    expect(estimatePlan(costs(100), p).makespanMs).toBe(2000);
    // x runs 400 ms: a is stored by then, but worker 1 turns to b (not its first task, not
    // preloaded) knowing none of its marks and recomputes a, as the executor does.
    expect(estimatePlan(costs(400), p).makespanMs).toBe(2000);
    // b first on its worker (x on a third): invoked by b's marks, it fetches a and x; a, x and b
    // are put, a and x fetched: 5,000 bytes.
    p.workerOf = Int32Array.from([0, 2, 1]);
    p.tierOf = [0, 0, 0];
    expect(estimatePlan(costs(100), p).makespanMs).toBe(5000);
  });
});
