import { describe, expect, it } from 'vitest';
import { emptyCompactPlan, type CompactPlan } from '../../../src/plan/compact-plan.js';
import { estimatePlan } from '../../../src/plan/plan-estimate.js';
import { parkThresholds, workerMemory } from '../../../src/plan/park-threshold.js';
import { predictTaskCosts, type TaskCosts } from '../../../src/plan/task-costs.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';
import { dagOf, hintsOnly, roundCosts, work } from './plan-fixtures.js';
import { estimated, fitMemory, fitsMemory } from '../../../src/plan/algorithms/optimizations.js';
import { startTailMs } from '../../../src/plan/plan-estimate.js';

// a (worker 0, long) and b (worker 1, short) feed c on worker 1; b's output stays in worker 1's memory.
const dag = dagOf([work('a', 0), work('b', 0), work('c', 0, ['a', 'b'])]);

function costs(aMs: number, bBytes: number, bTransferMs: number): TaskCosts {
  return roundCosts(dag, { execMs: [aMs, 100, 50], outputBytes: [1000, bBytes, 1000], uploadMs: [10, bTransferMs / 2, 10], downloadMs: [20, bTransferMs / 2, 20] });
}

function plan(): CompactPlan {
  const result = emptyCompactPlan(3);
  result.workerOf = Int32Array.from([0, 1, 1]);
  result.tierOf = [0, 0];
  return result;
}

describe('park thresholds from the predicted wait', () => {
  it('holds b in worker 1 while c waits, and counts it in the worker peak', () => {
    const c = costs(10_000, 5_000_000, 4000);
    const memory = workerMemory(c, plan(), estimatePlan(c, plan()));
    expect(memory.heldBytes[2]).toBe(5_000_000);
    expect(memory.heldTransferMs[2]).toBe(4000);
    // held b + a's output fetched + c's output
    expect(memory.peakBytes[1]).toBe(5_000_000 + 1000 + 1000);
  });

  it('a long wait with little held data parks at once when the delay has slack; else the wait is the prediction plus a re-invocation', () => {
    const cheap = costs(10_000, 1000, 2);
    const estimateCheap = estimatePlan(cheap, plan());
    const cheapThresholds = parkThresholds(cheap, plan(), estimateCheap, 500);
    // c is the last task: no slack, so it waits out the prediction (~9.9 s) plus the re-invocation.
    expect(cheapThresholds[2]).toBeGreaterThan(9000);
    expect(Number.isNaN(cheapThresholds[0] as number)).toBe(true);
    // A large held output makes parking expensive: wait at least as long as predicted.
    const heavy = costs(10_000, 5_000_000, 4000);
    const heavyThresholds = parkThresholds(heavy, plan(), estimatePlan(heavy, plan()), 500);
    expect(heavyThresholds[2]).toBeGreaterThan(9000 + 4000);
  });

  it('never goes below the run default for a short predicted wait', () => {
    const short = costs(120, 1000, 2);
    const thresholds = parkThresholds(short, plan(), estimatePlan(short, plan()), 500);
    expect(thresholds[2]).toBe(500);
  });
});

describe('park thresholds and the cold-start spread', () => {
  it('a worker waits out the slowest likely cold start upstream before it parks: the estimate assumed the median', () => {
    // 2 workers: the slowest of two cold starts of median 250 ms and p90 600 ms, taken at its 90th
    // percentile (0.9^(1/2) of one draw), well past its median (0.5^(1/2)): a wait that long parks
    // only in one run in ten.
    const spread = { ...costs(120, 1000, 2), coldStartPrior: { medianMs: 250, p90Ms: 600 } };
    const tail = startTailMs(spread, 2, 0.9);
    expect(tail).toBeGreaterThan(startTailMs(spread, 2) + 100);
    const thresholds = parkThresholds(spread, plan(), estimatePlan(spread, plan()), 0);
    const without = parkThresholds(costs(120, 1000, 2), plan(), estimatePlan(costs(120, 1000, 2), plan()), 0);
    expect((thresholds[2] as number) - (without[2] as number)).toBeCloseTo(tail, 6);
  });
});

describe('target platform', () => {
  it('prices transfers by the profile (latency + bytes over the function bandwidth), not the history', () => {
    const big = dagOf([work('p', 10, [], 180_000_000), work('q', 10, ['p'])]);
    const metadata = hintsOnly(big);
    const fromHistory = predictTaskCosts(big, metadata, 'median', [1769]);
    const onAws = predictTaskCosts(big, metadata, 'median', [1769], { profile: AWS_PROFILE, store: 'redis' });
    // 180 MB at 90 MB/s: 2 s each way, plus the request: its mean under the median SLA (0.52 ms;
    // median 0.4, p90 1).
    expect(onAws.uploadMs[0]).toBeCloseTo(2000.52, 1);
    expect(onAws.downloadMs[0]).toBeCloseTo(2000.52, 1);
    expect(onAws.coldStartMs[0]).toBe(250);
    expect(onAws.storeServerBytesPerMs).toBe(1_250_000);
    expect(fromHistory.storeServerBytesPerMs).toBeUndefined();
  });

  it('bounds the makespan by the bytes through a single store server', () => {
    const c = { ...costs(100, 1000, 2), storeServerBytesPerMs: 1 };
    // a's output (1000 bytes) is uploaded once and fetched once by worker 1; c is an output: 1000 more.
    expect(estimatePlan(c, plan()).makespanMs).toBeGreaterThanOrEqual(3000);
  });
});

describe('choosing among candidate plans', () => {
  it('charges wide plans the expected slowest cold start of their workers', () => {
    const withPrior = { ...costs(100, 1000, 2), coldStartPrior: { medianMs: 250, p90Ms: 600 } };
    expect(startTailMs(withPrior, 1)).toBe(0);
    // 9 workers: the 90th percentile, 600 ms, is 350 ms past the median.
    expect(startTailMs(withPrior, 9)).toBeGreaterThan(350);
    expect(startTailMs(withPrior, 1000)).toBeGreaterThan(startTailMs(withPrior, 100));
    expect(startTailMs(costs(100, 1000, 2), 1000)).toBe(0);
  });
});

describe('memory tiers', () => {
  it('moves a worker whose predicted holding exceeds its tier up to the smallest tier that holds it', () => {
    // worker 1 holds b (1,500 MiB) while c waits for a: more than 1,024 MB, less than 1,769.
    const big = { ...costs(10_000, 1500 * 1024 * 1024, 2), tiers: [1024, 1769, 3008], execMs: [0, 1, 2].map(() => Float64Array.from([10_000, 100, 50])), coldStartMs: [200, 200, 200], warmStartMs: [20, 20, 20] };
    const start = estimated(big, plan());
    expect(fitsMemory(big, start)).toBe(false);
    const fitted = fitMemory(big, start);
    expect(fitted.plan.tierOf).toEqual([0, 1]);
    expect(fitsMemory(big, fitted)).toBe(true);
  });
});
