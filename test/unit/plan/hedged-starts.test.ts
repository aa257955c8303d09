import { describe, expect, it } from 'vitest';
import { emptyCompactPlan, type CompactPlan } from '../../../src/plan/compact-plan.js';
import { estimatePlan, startTailMs } from '../../../src/plan/plan-estimate.js';
import { hedgesStarts } from '../../../src/plan/start-tail.js';
import { HedgedEnvironments } from '../../../src/plan/hedged-starts.js';
import { workerStarts } from '../../../src/plan/hand-over.js';
import { awaitedWorkers } from '../../../src/plan/start-waves.js';
import { clientCallsOf } from '../../../src/plan/client-calls.js';
import type { TaskCosts } from '../../../src/plan/task-costs.js';
import { slowestHedgedReadyMs } from '../../../src/plan/hedged-wave.js';
import { SeededRandom } from '../../../src/sim/seeded-random.js';
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

  it("a worker of the wave leads the wave's slowest by that slowest less its own median start, the faster of its two copies", () => {
    // Arrange: 8 hedged start workers, all called in one round, each the faster of two cold starts.
    const c = costs(spread);
    const hedgedPlan = plan(true);
    const runOrder = c.graph.topo;
    const awaited = awaitedWorkers(c, hedgedPlan);
    const calls = clientCallsOf(c, hedgedPlan, runOrder, awaited, true);
    // Act
    const environments = new HedgedEnvironments(c, hedgedPlan, runOrder, workerStarts(c, hedgedPlan, runOrder), awaited, calls);
    // Assess: the median of the slowest of 8 faster-of-two starts less the median of one such start
    // (startTailMs's closed form); a lone copy's median start (an earlier rule) is ~80 ms later than
    // a hedged worker's own, which put a worker that parks in most runs below its park threshold.
    const lead = startTailMs(c, 8, 0.5, true) - startTailMs(c, 1, 0.5, true);
    expect(startTailMs(c, 1, 0.5, true)).toBeLessThan(-50);
    for (let worker = 0; worker < 8; worker += 1) expect(environments.earlyByMs(worker)).toBeCloseTo(lead, 1);
  });

  it('the sink worker, invoked after the losing copies stopped, starts warm on one of their environments', () => {
    const c = costs(spread);
    const hedged = estimatePlan(c, plan(true));
    const sinkReady = hedged.workerReadyMs[8] as number;
    const sinkBegin = hedged.workerBeginMs[8] as number;
    expect(sinkReady - sinkBegin).toBeCloseTo(c.warmStartMs[0] as number, 9);
  });
});

describe('two copies racing in the client\'s first round', () => {
  const invoke = { medianMs: 50, p90Ms: 100 };
  // The race's saving: the median of the faster of two calls (37.2 ms) against one call's (50 ms).
  const saving = 12.8;
  const raced = { firstCallEndMs: 50 - saving, hedgeCallEndMs: 50 - saving, coldMs: 250, raceSavingMs: saving };

  it('a lone worker is ready at the median of the faster copy, call and cold start together, not the faster call plus the faster cold start', () => {
    // Arrange: the simulator's draws (lognormal Invoke calls and cold starts), both copies called at 0.
    const random = new SeededRandom(7, 1);
    const ready = Array.from({ length: 200_001 }, () => Math.min(random.lognormal(invoke) + random.lognormal(spread), random.lognormal(invoke) + random.lognormal(spread)));
    ready.sort((a, b) => a - b);
    const simulatedMedian = ready[100_000] as number;
    // Act
    const forecast = slowestHedgedReadyMs(spread, [raced], invoke);
    const partByPart = slowestHedgedReadyMs(spread, [raced]);
    // Assess: ~230 ms; taking the faster call and then the faster cold start said ~210 (svc under
    // uniform, one worker, aws-blas: forecast 273.9 ms against a median of 294 over 1,001 seeds).
    expect(Math.abs(forecast - simulatedMedian)).toBeLessThan(3);
    expect(partByPart).toBeLessThan(simulatedMedian - 15);
  });

  it('a copy that starts warm keeps its call at the time given', () => {
    const warmHedge = { ...raced, hedgeCallEndMs: 50, hedgeWarmMs: 20 };
    expect(slowestHedgedReadyMs(spread, [warmHedge], invoke)).toBeCloseTo(70, 1);
  });
});

describe('a hedged wave wider than the client calls at once (TR under heft)', () => {
  // 512 sources, each on its own worker, done in 1 ms: the client calls them over 8 rounds of 64
  // (60 ms each), then their hedge copies over 8 more. The workers of the first rounds have ended
  // before the hedge copies are called, so those start warm on their environments.
  const wide = 512;
  const leaves = Array.from({ length: wide }, (_, i) => work(`leaf${i}`, 1));
  const wideDag = dagOf(leaves);
  const wideCosts: TaskCosts = {
    ...roundCosts(wideDag, { execMs: Array(wide).fill(1), outputBytes: Array(wide).fill(100), uploadMs: Array(wide).fill(1), downloadMs: Array(wide).fill(1) }),
    coldStartMs: [250],
    warmStartMs: [20],
    invokeApiMeanMs: 60,
    coldStartPrior: spread,
  };
  const widePlan = emptyCompactPlan(wide);
  widePlan.workerOf = Int32Array.from(leaves.map((_, i) => i));
  widePlan.tierOf = Array(wide).fill(0);
  widePlan.hedgeStarts = true;

  it('every worker is forecast ready by the last hedge call and a warm start, not the tail of 512 simultaneous cold starts after its call', () => {
    // Act
    const estimate = estimatePlan(wideCosts, widePlan);
    // Assess: the last hedge copy (call 1,023) is called after 15 rounds and starts warm.
    const lastHedgeWarm = 15 * 60 + 50 + 20;
    const slowest = Math.max(...estimate.workerReadyMs);
    expect(slowest).toBeLessThanOrEqual(lastHedgeWarm + 1e-6);
    // It still waits for the slow first copies of the last round of first calls (7 rounds, then a cold start).
    expect(slowest).toBeGreaterThan(7 * 60 + 50 + 250);
  });
});
