import { describe, expect, it } from 'vitest';
import { emptyCompactPlan, type CompactPlan } from '../../../src/plan/compact-plan.js';
import { buildPlanGraph } from '../../../src/plan/plan-graph.js';
import { criticalPathOf, estimatePlan } from '../../../src/plan/plan-estimate.js';
import { predictTaskCosts, transfersOn, wholeOutputEdges, type TaskCosts } from '../../../src/plan/task-costs.js';
import { dagOf, hintsOnly, work } from './plan-fixtures.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';

// a -> b, a -> c (ids in spec order: a=0, b=1, c=2)
const dag = dagOf([work('a', 0), work('b', 0, ['a']), work('c', 0, ['a'])]);

/** Round figures: invoke 50, cold 200, exec a/b/c 100/300/50 ms, upload 10, download 20 per output. */
function costs(): TaskCosts {
  const graph = buildPlanGraph(dag);
  const outputBytes = Float64Array.from([1000, 1000, 1000]);
  const downloadMs = Float64Array.from([20, 20, 20]);
  return {
    graph,
    tiers: [1769],
    execMs: [Float64Array.from([100, 300, 50])],
    outputBytes,
    uploadMs: Float64Array.from([10, 10, 10]),
    downloadMs,
    ...wholeOutputEdges(graph, outputBytes, downloadMs),
    coldStartMs: [200],
    warmStartMs: [20],
    invokeApiMs: 50,
    invokeApiMeanMs: 50,
    clientInvokeConcurrency: 64,
    coordinationMs: 0,
  };
}

function plan(workers: number[], tierCount: number): CompactPlan {
  const result = emptyCompactPlan(3);
  result.workerOf = Int32Array.from(workers);
  result.tierOf = Array.from({ length: tierCount }, () => 0);
  return result;
}

describe('estimatePlan', () => {
  it('one worker: invoke + cold start, then the tasks in a row, then the outputs (b, c) uploaded', () => {
    const estimate = estimatePlan(costs(), plan([0, 0, 0], 1));
    // ready 250; a 250-350; b 350-650 +10 upload = 660; c 660-710 + 10 = 720
    expect(Array.from(estimate.startMs)).toEqual([250, 350, 660]);
    expect(estimate.makespanMs).toBe(720);
    expect(estimate.workerCount).toBe(1);
    // Billed from handler start (50) to the last upload (720), 1769 MB, plus one request.
    expect(estimate.costUsd).toBeCloseTo((0.67 * 1769) / 1024 * 0.0000166667 + 0.2 / 1e6, 12);
  });

  it('two workers: the consumer is invoked when the input is stored, downloads it, and waits for a cold start', () => {
    const estimate = estimatePlan(costs(), plan([0, 0, 1], 2));
    // a 250-350, uploaded by 360 (c needs it elsewhere); b 360-660 +10 = 670.
    // worker 1 invoked at 360: ready 360+50+200 = 610; download 20 -> c 630-680 +10 = 690.
    expect(estimate.startMs[2]).toBe(630);
    expect(estimate.makespanMs).toBe(690);
    expect(Array.from(estimate.workerBeginMs)).toEqual([50, 410]);
  });

  it('prewarm overlaps the cold start; preload also overlaps the download', () => {
    const p = plan([0, 0, 1], 2);
    p.prewarm.set(0, [1]); // a pre-warms worker 1 when a starts (250): begins 300, ready 500
    const warmed = estimatePlan(costs(), p);
    expect(warmed.workerReadyMs[1]).toBe(500);
    expect(warmed.startMs[2]).toBe(520); // ready 500, then the 20 ms download
    p.preload[2] = 1; // the download (a stored at 360, +20) happens before the worker is ready
    expect(estimatePlan(costs(), p).startMs[2]).toBe(500);
  });

  it('dup: a consumer recomputes a cheap source when that beats the download', () => {
    const base = costs();
    const downloadMs = Float64Array.from([500, 20, 20]);
    const slowDownload = { ...base, downloadMs, ...wholeOutputEdges(base.graph, base.outputBytes, downloadMs) };
    const p = plan([0, 1, 1], 2);
    const without = estimatePlan(slowDownload, p);
    // a 250-350, stored 360; worker 1 invoked then, ready 610; b downloads 500 ms: starts 1110.
    expect(without.startMs[1]).toBe(1110);
    p.dup[0] = 1;
    const withDup = estimatePlan(slowDownload, p);
    expect(withDup.startMs[1]).toBe(710); // ready 610 + 100 ms recomputing a
    expect(withDup.makespanMs).toBeLessThan(without.makespanMs);
    expect(criticalPathOf(withDup).at(-1)).toBe(2);
  });

  it("a worker's puts and gets run at its tier's bandwidth (the profile's: smaller tiers are slower)", () => {
    // a (100 MB) feeds b on another worker; on the aws profile 1,024 MB moves ~72 MB/s, 1,769 MB 90.
    const pair = dagOf([work('a', 0, [], 100_000_000), work('b', 0, ['a'])]);
    const costsOf = predictTaskCosts(pair, hintsOnly(pair), 'median', [1024, 1769], { profile: AWS_PROFILE, store: 'redis' });
    expect(transfersOn(costsOf, 0).uploadMs[0]).toBeGreaterThan((transfersOn(costsOf, 1).uploadMs[0] as number) * 1.2);
    expect(transfersOn(costsOf, 1).uploadMs).toBe(costsOf.uploadMs); // the top tier's are the plain fields
    const onTiers = (producer: number, consumer: number) => {
      const p = plan([0, 1], 2);
      p.tierOf = [producer, consumer];
      return estimatePlan(costsOf, p);
    };
    const fast = onTiers(1, 1);
    const slowPut = onTiers(0, 1);
    const slowGet = onTiers(1, 0);
    expect((slowPut.availableMs[0] as number) - (slowPut.finishMs[0] as number)).toBeCloseTo(transfersOn(costsOf, 0).uploadMs[0] as number, 6);
    expect(slowPut.makespanMs).toBeGreaterThan(fast.makespanMs);
    expect(slowGet.makespanMs).toBeGreaterThan(fast.makespanMs);
  });

  it('a consumer of one output of a multi-output parent fetches only that output (TSQR: R, not Q)', () => {
    // a has two outputs (100 MB together); b reads a#1 only, c reads both.
    const twoOutputs = dagOf([work('a', 0, [], 100_000_000), { ...work('b', 0), deps: ['a#1'] }, work('c', 0, ['a#0', 'a#1'])]);
    const graph = buildPlanGraph(twoOutputs);
    const costsOf = predictTaskCosts(twoOutputs, hintsOnly(twoOutputs), 'median', [1769]);
    const b = 1;
    const kB = graph.parentOffsets[b] as number;
    const kC = graph.parentOffsets[2] as number;
    expect(costsOf.edgeBytes[kB]).toBe(50_000_000); // no declared shares: even over the 2 referenced outputs
    expect(costsOf.edgeBytes[kC]).toBe(100_000_000);
    expect(costsOf.edgeDownloadMs[kB]).toBeLessThan(costsOf.edgeDownloadMs[kC] as number);
  });

  it('source workers: the client keeps clientInvokeConcurrency Invoke calls in flight; later ones queue at the mean call time', () => {
    // a, b, c as three sources on three workers (no edges used: a plan of sources only).
    const sources = dagOf([work('a', 0), work('b', 0), work('c', 0)]);
    const c = { ...costs(), graph: buildPlanGraph(sources), clientInvokeConcurrency: 2, invokeApiMeanMs: 70 };
    const estimate = estimatePlan(c, plan([0, 1, 2], 3));
    // Two calls at once, the third after one call (70 ms mean): begins 70 + 50.
    expect(Array.from(estimate.workerBeginMs)).toEqual([50, 50, 120]);
  });

  it('workers started together wait for the slowest of their cold starts', () => {
    const spread = { ...costs(), coldStartPrior: { medianMs: 200, p90Ms: 400 } };
    const one = estimatePlan(spread, plan([0, 0, 0], 1));
    expect(one.workerReadyMs[0]).toBe(250); // one worker: the median
    const sources = dagOf([work('a', 0), work('b', 0), work('c', 0)]);
    const three = estimatePlan({ ...spread, graph: buildPlanGraph(sources) }, plan([0, 1, 2], 3));
    // Three at once: the 0.5^(1/3) = 79.4th percentile, above the median.
    expect(three.workerReadyMs[0]).toBeGreaterThan(250 + 100);
    expect(three.workerReadyMs[0]).toBe(three.workerReadyMs[2]);
  });

  it('parks when the wait for a remote input passes the task threshold: re-invoked warm by the producer', () => {
    // b on worker 1 waits for a (worker 0), which is slow: 2,000 ms.
    const slow = { ...costs(), execMs: [Float64Array.from([2000, 300, 50])] };
    const p = plan([0, 1, 0], 2);
    p.prewarm.set(0, [1]); // worker 1 is up early (ready 2250 - 2000 + ...), then waits for a
    const waiting = estimatePlan(slow, p);
    // a 250-2250, stored 2260; worker 1 prewarmed at 250: ready 500, waits 1,760 ms > 500: parks.
    // Re-invoked when a is stored: 2260 + 50 (Invoke) + 20 (warm), then downloads a (20).
    expect(waiting.startMs[1]).toBe(2350);
    p.parkAfterMs = Float64Array.from([Number.NaN, 5000, Number.NaN]);
    const patient = estimatePlan(slow, p);
    expect(patient.startMs[1]).toBe(2280); // waits instead: stored 2260 + download 20
    expect(waiting.costUsd).toBeLessThan(patient.costUsd); // the parked wait is not billed
  });
});
