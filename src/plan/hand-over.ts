import type { CompactPlan } from './compact-plan.js';
import type { TaskCosts } from './task-costs.js';

/**
 * How a re-planned worker starts, from what the re-planner knows of the run's workers
 * (TaskCosts.heldWorkers, warmEnvironments). The client starts, at the re-plan, every worker
 * whose first task reads only finished (stored) tasks, and hands it to a held worker of its tier
 * while any is left: it runs one coordination round trip later, with no Invoke call and no
 * start-up (src/sim/hand-over-pool.ts). Any other new worker is invoked, and starts warm while
 * idle environments of its tier are left. Shared by the estimator and the planners so that they agree.
 */
export const COLD = 0;
export const HANDED_OVER = 1;
export const WARM = 2;
export type WorkerStart = typeof COLD | typeof HANDED_OVER | typeof WARM;

/** Whether every parent of `task` already ran (its output is in the store). */
export function readsOnlyStored(costs: TaskCosts, task: number): boolean {
  const { parentOffsets, parentValues } = costs.graph;
  const stored = costs.stored;
  if (stored === undefined) return false;
  for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
    if (stored[parentValues[k] as number] !== 1) return false;
  }
  return true;
}

/** Counts down the held workers and warm environments of one tier as new workers take them. */
export class TierStarts {
  private held: number;
  private warm: number;

  constructor(costs: TaskCosts, tier: number) {
    this.held = costs.heldWorkers?.[tier] ?? 0;
    this.warm = costs.warmEnvironments?.[tier] ?? 0;
  }

  /** How a new worker whose first task is `task` would start (nothing taken). */
  peek(costs: TaskCosts, task: number): WorkerStart {
    if (this.held > 0 && readsOnlyStored(costs, task)) return HANDED_OVER;
    return this.warm > 0 ? WARM : COLD;
  }

  take(start: WorkerStart): void {
    if (start === HANDED_OVER) this.held -= 1;
    else if (start === WARM) this.warm -= 1;
  }

  /** ms from the moment the worker is wanted to its handler running. */
  static delayMs(costs: TaskCosts, tier: number, start: WorkerStart): number {
    if (start === HANDED_OVER) return costs.coordinationMs;
    return costs.invokeApiMs + ((start === WARM ? costs.warmStartMs[tier] : costs.coldStartMs[tier]) as number);
  }
}

/** Per worker: how it starts, held workers and warm environments going to first tasks in `runOrder`. */
export function workerStarts(costs: TaskCosts, plan: CompactPlan, runOrder: Int32Array): Uint8Array {
  const starts = new Uint8Array(plan.tierOf.length);
  if (costs.heldWorkers === undefined && costs.warmEnvironments === undefined) return starts;
  const tiers = new Map<number, TierStarts>();
  const seen = new Uint8Array(plan.tierOf.length);
  for (const task of runOrder) {
    if (costs.stored?.[task] === 1) continue;
    const worker = plan.workerOf[task] as number;
    if (seen[worker] === 1) continue;
    seen[worker] = 1;
    const tier = plan.tierOf[worker] as number;
    let left = tiers.get(tier);
    if (left === undefined) {
      left = new TierStarts(costs, tier);
      tiers.set(tier, left);
    }
    const start = left.peek(costs, task);
    left.take(start);
    starts[worker] = start;
  }
  return starts;
}
