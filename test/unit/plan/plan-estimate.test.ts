import { describe, expect, it } from 'vitest';
import { emptyCompactPlan, type CompactPlan } from '../../../src/plan/compact-plan.js';
import { buildPlanGraph } from '../../../src/plan/plan-graph.js';
import { criticalPathOf, estimatePlan } from '../../../src/plan/plan-estimate.js';
import { predictTaskCosts, transfersOn, wholeOutputEdges, type TaskCosts } from '../../../src/plan/task-costs.js';
import { dagOf, hintsOnly, roundCosts, work } from './plan-fixtures.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';

// a -> b, a -> c (ids in spec order: a=0, b=1, c=2)
const dag = dagOf([work('a', 0), work('b', 0, ['a']), work('c', 0, ['a'])]);

/** Round figures: invoke 50, cold 200, exec a/b/c 100/300/50 ms, upload 10, download 20 per output. */
function costs(): TaskCosts {
  return roundCosts(dag, { execMs: [100, 300, 50], outputBytes: [1000, 1000, 1000], uploadMs: [10, 10, 10], downloadMs: [20, 20, 20] });
}

/** Unhedged: one Invoke call per worker (hedged starts are in hedged-starts.test.ts). */
function plan(workers: number[], tierCount: number): CompactPlan {
  const result = emptyCompactPlan(3);
  result.workerOf = Int32Array.from(workers);
  result.tierOf = Array.from({ length: tierCount }, () => 0);
  result.hedgeStarts = false;
  return result;
}

/**
 * a -> c and b -> c: a and b on worker 0 (both stored: c is elsewhere), x then c on worker 1; x
 * runs 400 ms, the others 10; every put 100 ms, every get 20.
 */
function fanInOnTwoWorkers(): { costs: TaskCosts; plan: ReturnType<typeof emptyCompactPlan> } {
  const graph = buildPlanGraph(dagOf([work('a', 0), work('b', 0), work('x', 0), work('c', 0, ['a', 'b', 'x'])]));
  const outputBytes = Float64Array.from([1000, 1000, 1000, 1000]);
  const downloadMs = Float64Array.from([20, 20, 20, 20]);
  const plan = emptyCompactPlan(4);
  plan.workerOf = Int32Array.from([0, 0, 1, 1]);
  plan.tierOf = [0, 0];
  return { costs: { ...costs(), graph, execMs: [Float64Array.from([10, 10, 400, 10])], outputBytes, uploadMs: Float64Array.from([100, 100, 100, 100]), downloadMs, ...wholeOutputEdges(graph, outputBytes, downloadMs) }, plan };
}

describe('estimatePlan', () => {
  it('one worker: invoke + cold start, then the tasks in a row while the outputs (b, c) upload on its link', () => {
    const estimate = estimatePlan(costs(), plan([0, 0, 0], 1));
    // ready 250; a 250-350; b 350-650, its put 650-660 while c runs 650-700; c's put 700-710.
    expect(Array.from(estimate.startMs)).toEqual([250, 350, 650]);
    expect(estimate.availableMs[1]).toBe(660);
    expect(estimate.makespanMs).toBe(710);
    expect(estimate.workerCount).toBe(1);
    // Billed from handler start (50) to the last upload (710), 1769 MB, plus one request.
    expect(estimate.costUsd).toBeCloseTo((0.66 * 1769) / 1024 * 0.0000166667 + 0.2 / 1e6, 12);
  });

  it("a worker's puts and gets queue on its one link: a get waits for the puts issued before it", () => {
    const { costs: c, plan: p } = fanInOnTwoWorkers();
    const estimate = estimatePlan(c, p);
    // Worker 0: a 250-260, b 260-270 (no wait for a's put); puts a 260-360, b 360-460 (queued).
    expect(estimate.startMs[1]).toBe(260);
    expect(estimate.availableMs[0]).toBe(360);
    expect(estimate.availableMs[1]).toBe(460);
    // Worker 1: x 250-650; c's gets of a and b (20 each) after b is stored: 650 + 40.
    expect(estimate.startMs[3]).toBe(690);
  });

  it("a worker's transfers wait out their request latencies together; only their bytes queue on the link", () => {
    // As above, with the profile's latencies: a get of 20 ms is 15 of latency and 5 of bytes, a
    // put of 100 is 90 and 10 (the simulator's StoreModel: latency from issue, bytes FIFO on the link).
    const { costs: base, plan: p } = fanInOnTwoWorkers();
    const c: TaskCosts = { ...base, getLatencyMs: 15, putLatencyMs: 90 };
    const estimate = estimatePlan(c, p);
    // Worker 0: put a issued 260, bytes 350-360; put b issued 270, latency over at 360, bytes 360-370.
    expect(estimate.availableMs[0]).toBe(360);
    expect(estimate.availableMs[1]).toBe(370);
    // Worker 1: x 250-650; c's two gets issued at 650 wait 15 together, then 5 + 5 of bytes.
    expect(estimate.startMs[3]).toBe(675);
    // A worker past its first task reads c's marks as it turns to it: one round trip (2 ms) first.
    expect(estimatePlan({ ...c, coordinationMs: 2 }, p).startMs[3]).toBe(677);
    // x short (10 ms): the worker turns to c at 260, before b is stored (370); b's mark (a round
    // trip) notifies it (another), and it reads the marks again (a third): gets at 376, c at 401.
    const early: TaskCosts = { ...c, coordinationMs: 2, execMs: [Float64Array.from([10, 10, 10, 10])] };
    expect(estimatePlan(early, p).startMs[3]).toBe(401);
  });

  it('two workers: the consumer is invoked when the input is stored, downloads it, and waits for a cold start', () => {
    const estimate = estimatePlan(costs(), plan([0, 0, 1], 2));
    // a 250-350, uploaded by 360 (c needs it elsewhere); b 360-660 +10 = 670.
    // worker 1 invoked at 360: ready 360+50+200 = 610; download 20 -> c 630-680 +10 = 690.
    expect(estimate.startMs[2]).toBe(630);
    expect(estimate.makespanMs).toBe(690);
    expect(Array.from(estimate.workerBeginMs)).toEqual([50, 410]);
  });

  it('prewarm: the worker starts warm when the prewarmed environment is up by its invocation', () => {
    // a runs 400 ms: stored at 660, so worker 1 is invoked at 660 (begins 710).
    const slowA = { ...costs(), execMs: [Float64Array.from([400, 300, 50])] };
    const p = plan([0, 0, 1], 2);
    expect(estimatePlan(slowA, p).workerReadyMs[1]).toBe(910); // 710 + a 200 ms cold start
    // a pre-warms worker 1 when a starts (250): a separate Invoke call, its environment idle at
    // 250 + 50 + 200 = 500; the producer's mark still invokes the worker, which starts warm.
    p.prewarm.set(0, [1]);
    const warmed = estimatePlan(slowA, p);
    expect(warmed.workerBeginMs[1]).toBe(710);
    expect(warmed.workerReadyMs[1]).toBe(730);
    expect(warmed.startMs[2]).toBe(750); // ready 730, then the 20 ms download
    // With a's 100 ms, worker 1 is invoked at 360 (begins 410), before the prewarmed environment
    // is up: it starts cold on another one, as the simulated platform does.
    const early = estimatePlan(costs(), p);
    expect(early.workerReadyMs[1]).toBe(610);
    // A preload cannot fetch before the handler runs: the first task's download follows readiness.
    p.preload[2] = 1;
    expect(estimatePlan(slowA, p).startMs[2]).toBe(750);
  });

  it('dup: a consumer recomputes a cheap source that is not yet stored when it turns to it, and fetches one that is', () => {
    // a (worker 0) and x then b (worker 1); b reads a, whose download is slow (500 ms).
    const pair = dagOf([work('a', 0), work('x', 0), work('b', 0, ['a', 'x'])]);
    const graph = buildPlanGraph(pair);
    const outputBytes = Float64Array.from([1000, 1000, 1000]);
    const downloadMs = Float64Array.from([500, 20, 20]);
    const withX = (xMs: number): TaskCosts => ({ ...costs(), graph, execMs: [Float64Array.from([100, xMs, 50])], outputBytes, downloadMs, ...wholeOutputEdges(graph, outputBytes, downloadMs) });
    const p = plan([0, 1, 1], 2);
    const without = estimatePlan(withX(100), p);
    // Both ready at 250; a 250-350, stored 360; x 250-350; b downloads a (500 ms): starts 860.
    expect(without.startMs[2]).toBe(860);
    p.dup[0] = 1;
    const withDup = estimatePlan(withX(100), p);
    expect(withDup.startMs[2]).toBe(450); // a is not stored at 350: x's worker recomputes it (100 ms)
    expect(withDup.makespanMs).toBeLessThan(without.makespanMs);
    expect(criticalPathOf(withDup).at(-1)).toBe(2);
    // x runs 400 ms: a is stored (360) before the worker turns to b (650), but b is neither its
    // first task nor preloaded, so it has read none of b's marks and recomputes a at once
    // (PlannedWorker.whileMissing), as the simulator's workers do: b at 750, not 1150.
    expect(estimatePlan(withX(400), p).startMs[2]).toBe(750);
    // A worker whose first task is b was invoked by b's marks: it fetches a marked producer.
    const alone = plan([0, 2, 1], 3);
    alone.dup[0] = 1;
    // a stored 360, x (worker 2) stored 360: worker 1 invoked at 360, ready 610, gets a (500) and x (20).
    expect(estimatePlan(withX(100), alone).startMs[2]).toBe(1130);
  });

  it('store and coordination latencies: their mean under the median SLA (runs chain hundreds of them), a percentile SLA its percentile', () => {
    const pair = dagOf([work('a', 0, [], 0), work('b', 0, ['a'])]);
    const platform = { profile: AWS_PROFILE, store: 'redis' } as const;
    const median = predictTaskCosts(pair, hintsOnly(pair), 'median', [1769], platform);
    const { opLatency } = AWS_PROFILE.coordination;
    const sigma = Math.log(opLatency.p90Ms / opLatency.medianMs) / 1.2815515655446004;
    expect(median.coordinationMs).toBeCloseTo(opLatency.medianMs * Math.exp((sigma * sigma) / 2), 9);
    expect(median.getLatencyMs).toBeCloseTo(median.coordinationMs, 9); // redis: one round trip, as coordination
    expect(median.uploadMs[0]).toBeCloseTo(median.putLatencyMs as number, 9); // 0 bytes: latency only
    const p90 = predictTaskCosts(pair, hintsOnly(pair), { percentile: 90 }, [1769], platform);
    expect(p90.coordinationMs).toBeCloseTo(opLatency.p90Ms, 6);
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

  it('a worker that runs only dup-annotated sources is in no start-up wave: its consumer recomputes them, nobody waits for it', () => {
    // x and c on worker 0; a, a source c reads, alone on worker 1. Without dup both are in wave 0.
    const pair = dagOf([work('x', 0), work('a', 0), work('c', 0, ['x', 'a'])]);
    const spread: TaskCosts = { ...costs(), graph: buildPlanGraph(pair), coldStartPrior: { medianMs: 200, p90Ms: 400 } };
    const p = plan([0, 1, 0], 2);
    const both = estimatePlan(spread, p);
    expect(both.workerReadyMs[0]).toBeGreaterThan(250); // the slower of two cold starts
    p.dup[1] = 1;
    const alone = estimatePlan(spread, p);
    // A wave of one: the median cold start, for worker 0 and for worker 1 (nobody waits on it).
    expect(Array.from(alone.workerReadyMs)).toEqual([250, 250]);
  });

  it('the makespan ends when the last DAG output is stored, not when a worker whose output was recomputed stops', () => {
    // x then c (reads x and a) on worker 0; a (dup) on worker 1, whose Invoke call the client
    // makes after worker 0's (one call in flight, 1,000 ms each).
    const pair = dagOf([work('x', 0), work('a', 0), work('c', 0, ['x', 'a'])]);
    const graph = buildPlanGraph(pair);
    const outputBytes = Float64Array.from([1000, 1000, 1000]);
    const downloadMs = Float64Array.from([20, 20, 20]);
    const late: TaskCosts = { ...costs(), graph, execMs: [Float64Array.from([100, 100, 50])], outputBytes, downloadMs, ...wholeOutputEdges(graph, outputBytes, downloadMs), clientInvokeConcurrency: 1, invokeApiMeanMs: 1000 };
    const p = plan([0, 1, 0], 2);
    p.dup[1] = 1;
    const estimate = estimatePlan(late, p);
    // Worker 0: ready 250, x 250-350; a is not stored before 1,360, so c recomputes it (350-450)
    // and runs 450-500; c is stored by 510. Worker 1: invoked at 1,000, ready 1,250, a 1,250-1,350,
    // stored by 1,360 (it does not know c recomputed a).
    expect(estimate.availableMs[2]).toBe(510);
    expect(estimate.scheduleMs).toBe(1360);
    expect(estimate.makespanMs).toBe(510);
  });

  it('parks when the wait for a remote input passes the task threshold: re-invoked warm by the producer', () => {
    // a (worker 0) is slow: 2,000 ms; worker 1 runs x, then b, which reads a and x.
    const pair = dagOf([work('a', 0), work('x', 0), work('b', 0, ['a', 'x'])]);
    const graph = buildPlanGraph(pair);
    const outputBytes = Float64Array.from([1000, 1000, 1000]);
    const downloadMs = Float64Array.from([20, 20, 20]);
    const slow: TaskCosts = { ...costs(), graph, execMs: [Float64Array.from([2000, 100, 50])], outputBytes, downloadMs, ...wholeOutputEdges(graph, outputBytes, downloadMs) };
    const p = plan([0, 1, 1], 2);
    const waiting = estimatePlan(slow, p);
    // a 250-2250, stored 2260; x 250-350, then b waits 1,910 ms > 500: parks, storing x (10 ms).
    // Re-invoked when a is stored: 2260 + 50 (Invoke) + 20 (warm), then downloads a and x (20 each).
    expect(waiting.startMs[2]).toBe(2370);
    p.parkAfterMs = Float64Array.from([Number.NaN, Number.NaN, 5000]);
    const patient = estimatePlan(slow, p);
    expect(patient.startMs[2]).toBe(2280); // waits instead: stored 2260 + download 20
    expect(waiting.costUsd).toBeLessThan(patient.costUsd); // the parked wait is not billed
  });
});
