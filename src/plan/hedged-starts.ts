import { clientCallEndMs, type ClientCalls } from './client-calls.js';
import type { CompactPlan } from './compact-plan.js';
import { COLD } from './hand-over.js';
import { slowestHedgedReadyMs, typicalHedgedReadyMs, type HedgedStart } from './hedged-wave.js';
import { hedgedInvokeSavingMs, plansHedgedStarts } from './start-tail.js';
import type { TaskCosts } from './task-costs.js';

/**
 * What hedged starts (Plan.hedgeStarts; src/scheduler/planned-start.ts) do to start-ups, for the
 * estimator. The client first calls every awaited start worker once, then once more (the hedge
 * copies), `clientInvokeConcurrency` calls at a time. The copy that loses a worker's claim stops at
 * once and leaves its environment idle (warm); a later hedge copy, or a worker invoked later on
 * that tier, starts warm on it. So a hedge copy called after some pairs have both started begins
 * warm, and its worker is ready a warm start after that call however slow its first copy's cold
 * start is. Each loser is billed its cold start and one request. The wave waits for the slowest
 * of its workers (./hedged-wave.ts): each is forecast ready at its typical time plus the one
 * shift that puts the latest at the median of that slowest.
 */
export class HedgedEnvironments {
  /** Per tier: when the losers' environments left for later workers go idle, earliest first, and how many are taken. */
  private readonly idleAt = new Map<number, number[]>();
  private readonly taken = new Map<number, number>();
  /** Per hedged worker: when it is forecast ready (its first task can run). */
  private readonly ready = new Map<number, number>();
  private readonly earlyBy = new Map<number, number>();
  /** How much later than its typical start every hedged worker is forecast ready: the wave's wait for its slowest. */
  readonly tailMs: number = 0;
  readonly losers: { durationMs: number; memoryMb: number }[] = [];

  /**
   * `ended`: per tier, when environments of workers that ended go idle (from an earlier pass of
   * the estimate, ./plan-estimate.ts): a copy whose call ends after one of them starts warm on it,
   * as the platform reuses any idle environment. TR under heft: its 249 one-add workers end a few
   * ms after they start, so by the time the hedge copies are called (~460 ms on) most of them start warm.
   */
  constructor(costs: TaskCosts, plan: CompactPlan, runOrder: Int32Array, starts: Uint8Array, awaited: Uint8Array, calls: ClientCalls, ended?: ReadonlyMap<number, readonly number[]>) {
    if (!plansHedgedStarts(costs, plan)) return;
    const hedged = hedgedWorkers(costs, plan, runOrder, starts, awaited);
    // Per tier: idle environments, as the times they went idle: losers' (which later workers may
    // take: take()) and ended workers'.
    const losers = new Map<number, number[]>();
    const endedIdle = new Map<number, number[]>();
    for (const [tier, times] of ended ?? []) endedIdle.set(tier, [...times].sort((a, b) => a - b));
    const takeIdle = (tier: number, atMs: number): boolean => {
      for (const pool of [endedIdle.get(tier), losers.get(tier)]) {
        const idle = pool?.findIndex((at) => at <= atMs) ?? -1;
        if (pool !== undefined && idle !== -1) {
          pool.splice(idle, 1);
          return true;
        }
      }
      return false;
    };
    // Two calls in the same round of the client's race: the worker begins with the faster call.
    const saving = hedgedInvokeSavingMs(costs);
    const round = (call: number) => Math.floor(call / costs.clientInvokeConcurrency);
    // The first copies, in the client's call order, then the hedge copies.
    const firsts = hedged.map((worker) => {
      const call = calls.callOf[worker] as number;
      const tier = plan.tierOf[worker] as number;
      const raced = round(call) === round(calls.awaited + call) ? saving : 0;
      const callEndMs = clientCallEndMs(costs, call) - raced;
      return { call, tier, raced, callEndMs, warm: takeIdle(tier, callEndMs) };
    });
    const wave: HedgedStart[] = hedged.map((worker, j) => {
      const { call, tier, raced, callEndMs, warm } = firsts[j] as (typeof firsts)[number];
      const coldMs = costs.coldStartMs[tier] as number;
      const warmMs = costs.warmStartMs[tier] as number;
      const hedgeArrives = clientCallEndMs(costs, calls.awaited + call);
      const hedgeWarm = takeIdle(tier, hedgeArrives);
      const hedgeCallEndMs = hedgeWarm ? hedgeArrives : hedgeArrives - raced;
      const start: HedgedStart = { firstCallEndMs: callEndMs, hedgeCallEndMs, coldMs, firstWarmMs: warm ? warmMs : undefined, hedgeWarmMs: hedgeWarm ? warmMs : undefined, raceSavingMs: raced };
      // The later copy claims, loses and stops one round trip after its handler starts.
      const pool = losers.get(tier) ?? [];
      losers.set(tier, pool);
      pool.push(Math.max(callEndMs + (warm ? warmMs : coldMs), hedgeCallEndMs + (hedgeWarm ? warmMs : coldMs)) + costs.coordinationMs);
      pool.sort((a, b) => a - b);
      this.losers.push({ durationMs: (hedgeWarm ? warmMs : coldMs) + costs.coordinationMs, memoryMb: costs.tiers[tier] as number });
      return start;
    });
    for (const [tier, pool] of losers) this.idleAt.set(tier, pool);
    const typical = wave.map(typicalHedgedReadyMs);
    this.tailMs = slowestHedgedReadyMs(costs.coldStartPrior, wave, costs.invokeApiPrior) - Math.max(...typical);
    hedged.forEach((worker, j) => {
      const ready = (typical[j] as number) + this.tailMs;
      this.ready.set(worker, ready);
      // Its own median ready time: the faster of its two copies (the slowest of a wave of one).
      const own = slowestHedgedReadyMs(costs.coldStartPrior, [wave[j] as HedgedStart], costs.invokeApiPrior);
      this.earlyBy.set(worker, Math.max(0, ready - own));
    });
  }

  /**
   * How much later than its own median start hedged `worker` is forecast ready (its wait for the
   * slowest of the wave): it waits that much longer for its first remote input than the schedule
   * shows, which decides whether it parks. Its own start is the faster of its two copies, not one
   * copy's median cold start: svc's random plan under aws-blas (medium) has a worker whose wait
   * is 400 ms before that lead, against a 500 ms threshold; taken as one copy's, the lead was 90 ms
   * and the forecast kept the worker, where it parked in 67 of 101 simulated runs (seeds 1..101;
   * the faster copy's median gives 181 ms: a Monte Carlo of the wave's draws, 167 ms).
   */
  earlyByMs(worker: number): number {
    return this.earlyBy.get(worker) ?? 0;
  }

  /** When hedged start `worker` is forecast ready (undefined for a worker not hedged). */
  readyMs(worker: number): number | undefined {
    return this.ready.get(worker);
  }

  /** Takes an idle loser's environment of `tier` for a worker whose Invoke call ends at `atMs`, if one is idle by then. */
  take(tier: number, atMs: number): boolean {
    const list = this.idleAt.get(tier);
    const next = this.taken.get(tier) ?? 0;
    if (list === undefined || next >= list.length || (list[next] as number) > atMs) return false;
    this.taken.set(tier, next + 1);
    return true;
  }
}

/** The awaited workers the client starts cold, in the order of their first calls (run order). */
function hedgedWorkers(costs: TaskCosts, plan: CompactPlan, runOrder: Int32Array, starts: Uint8Array, awaited: Uint8Array): number[] {
  const { parentOffsets } = costs.graph;
  const seen = new Uint8Array(plan.tierOf.length);
  const hedged: number[] = [];
  for (const task of runOrder) {
    if (costs.stored?.[task] === 1) continue;
    const worker = plan.workerOf[task] as number;
    if (seen[worker] === 1) continue;
    seen[worker] = 1;
    const source = parentOffsets[task] === parentOffsets[task + 1];
    if (source && awaited[worker] === 1 && starts[worker] === COLD) hedged.push(worker);
  }
  return hedged;
}
