import type { CompactPlan } from './compact-plan.js';
import { COLD } from './hand-over.js';
import { plansHedgedStarts } from './start-tail.js';
import type { TaskCosts } from './task-costs.js';

/**
 * What hedged starts (Plan.hedgeStarts; src/scheduler/planned-start.ts) do to start-ups, for the
 * estimator. The client first calls every awaited start worker once, then once more (the hedge
 * copies), `clientInvokeConcurrency` calls at a time. The copy that loses a worker's claim stops at
 * once and leaves its environment idle (warm); a later hedge copy, or a worker invoked later on
 * that tier, starts warm on it. So a hedge copy called after some pairs have both started begins
 * warm, and its worker is ready a warm start after that call however slow its first copy's cold
 * start is. Each loser is billed its cold start and one request.
 */
export class HedgedEnvironments {
  /** Per tier: when the losers' environments left for later workers go idle, earliest first, and how many are taken. */
  private readonly idleAt = new Map<number, number[]>();
  private readonly taken = new Map<number, number>();
  /** Per hedged worker whose hedge copy starts warm: when that copy's handler runs. */
  private readonly warmReady = new Map<number, number>();
  readonly losers: { durationMs: number; memoryMb: number }[] = [];

  constructor(costs: TaskCosts, plan: CompactPlan, runOrder: Int32Array, starts: Uint8Array, awaited: Uint8Array) {
    if (!plansHedgedStarts(costs, plan)) return;
    const hedged = hedgedWorkers(costs, plan, runOrder, starts, awaited);
    const callEndMs = (call: number) => Math.floor(call / costs.clientInvokeConcurrency) * costs.invokeApiMeanMs + costs.invokeApiMs;
    // Per tier: idle losers' environments, as times they went idle (taken earliest first).
    const pools = new Map<number, number[]>();
    hedged.forEach((worker, j) => {
      const tier = plan.tierOf[worker] as number;
      const coldMs = costs.coldStartMs[tier] as number;
      const pool = pools.get(tier) ?? [];
      pools.set(tier, pool);
      const firstReady = callEndMs(j) + coldMs;
      const hedgeArrives = callEndMs(hedged.length + j);
      const idle = pool.findIndex((at) => at <= hedgeArrives);
      let hedgeReady = hedgeArrives + coldMs;
      if (idle !== -1) {
        pool.splice(idle, 1);
        hedgeReady = hedgeArrives + (costs.warmStartMs[tier] as number);
        this.warmReady.set(worker, hedgeReady);
      }
      // The later copy claims, loses and stops one round trip after its handler starts.
      pool.push(Math.max(firstReady, hedgeReady) + costs.coordinationMs);
      pool.sort((a, b) => a - b);
      this.losers.push({ durationMs: (idle === -1 ? coldMs : (costs.warmStartMs[tier] as number)) + costs.coordinationMs, memoryMb: costs.tiers[tier] as number });
    });
    for (const [tier, pool] of pools) this.idleAt.set(tier, pool);
  }

  /** When `worker`'s hedge copy is ready, if it starts warm (Infinity otherwise). */
  warmReadyMs(worker: number): number {
    return this.warmReady.get(worker) ?? Number.POSITIVE_INFINITY;
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
