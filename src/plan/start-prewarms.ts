import { latencyPriorStatistic } from '../metadata/latency-prior.js';
import { clientCallEndMs, type ClientCalls } from './client-calls.js';
import type { CompactPlan } from './compact-plan.js';
import type { TaskCosts } from './task-costs.js';

/**
 * The client's start-up prewarms (Plan.prewarmAtStart; src/scheduler/planned-start.ts
 * startPrewarms), for the estimator. After its start calls (hedge copies included) the client
 * makes one prewarm Invoke call per listed worker that runs a task and is not a start worker, in
 * the listed order, `clientInvokeConcurrency` calls at a time. Each prewarm's environment goes
 * idle once its cold start is over (the simulator releases it as its handler starts:
 * src/sim/planned-simulation.ts `started`); a producer-invoked worker of that tier whose Invoke
 * call ends after that takes it and starts warm, as the platform places any request of a tier on
 * any idle environment of it (src/sim/lambda-platform.ts). The prewarms' cold starts vary as the
 * platform's do: the j-th of a tier's n prewarms (in call order) takes the (j + 1/2) / n quantile
 * of the platform's cold start, so that as many are idle at a time as expected, not all of them
 * at the median (which, with the second wave invoked close to that median, forecast every such
 * worker warm where a quarter started cold). Each prewarm is billed its cold start (INIT
 * included, as the estimator bills workers) and one request, taken or not.
 */
export class StartPrewarms {
  /** Per tier: when the prewarms' environments go idle, earliest first (taken ones removed). */
  private readonly idleAt = new Map<number, number[]>();
  readonly bills: { durationMs: number; memoryMb: number }[] = [];

  constructor(costs: TaskCosts, plan: CompactPlan, calls: ClientCalls, hedged: boolean) {
    const listed = plan.prewarmAtStart;
    if (listed === undefined || listed.length === 0) return;
    const running = new Uint8Array(plan.tierOf.length);
    for (let task = 0; task < costs.graph.taskCount; task += 1) if (costs.stored?.[task] !== 1) running[plan.workerOf[task] as number] = 1;
    let startCalls = hedged ? calls.awaited : 0;
    for (const call of calls.callOf) if (call !== -1) startCalls += 1;
    const prewarmed = [...new Set(listed)].filter((worker) => running[worker] === 1 && calls.callOf[worker] === -1);
    const perTier = new Map<number, number>();
    for (const worker of prewarmed) perTier.set(plan.tierOf[worker] as number, (perTier.get(plan.tierOf[worker] as number) ?? 0) + 1);
    const seen = new Map<number, number>();
    prewarmed.forEach((worker, i) => {
      const tier = plan.tierOf[worker] as number;
      const j = seen.get(tier) ?? 0;
      seen.set(tier, j + 1);
      const coldMs = (costs.coldStartMs[tier] as number) + spreadMs(costs, (j + 0.5) / (perTier.get(tier) as number));
      const pool = this.idleAt.get(tier) ?? [];
      this.idleAt.set(tier, pool);
      pool.push(clientCallEndMs(costs, startCalls + i) + coldMs);
      this.bills.push({ durationMs: coldMs, memoryMb: costs.tiers[tier] as number });
    });
    for (const pool of this.idleAt.values()) pool.sort((a, b) => a - b);
  }

  /** Takes a prewarmed environment of `tier` for a worker whose Invoke call ends at `atMs`, if one is idle by then. */
  take(tier: number, atMs: number): boolean {
    const pool = this.idleAt.get(tier);
    if (pool === undefined || pool.length === 0 || (pool[0] as number) > atMs) return false;
    pool.shift();
    return true;
  }
}

/** The `quantile` of the platform's cold start minus its median (0 without the platform's spread). */
function spreadMs(costs: TaskCosts, quantile: number): number {
  const prior = costs.coldStartPrior;
  if (prior === undefined) return 0;
  return latencyPriorStatistic(prior, { percentile: 100 * quantile }) - latencyPriorStatistic(prior, 'median');
}
