import type { CompactPlan } from './compact-plan.js';
import type { TaskCosts } from './task-costs.js';

/**
 * The client's Invoke calls at the start of a planned run, in the order it makes them
 * (src/scheduler/planned-start.ts startLaunches): the source workers someone waits for, in plan
 * order; with hedged starts, a second call for each of them; last, the source workers nobody
 * waits for (they run only dup sources their consumers recompute). Counting every source worker
 * in plan order instead, as the estimator once did, called an awaited worker that plan order puts
 * behind unawaited ones as late as their calls make it (test/unit/plan/client-calls.test.ts:
 * 128 awaited workers interleaved with 128 unawaited ones, the last forecast called after three
 * rounds of 64 instead of one).
 */
export interface ClientCalls {
  /** Per worker: the position of its (first) call, -1 for a worker the client does not invoke. */
  readonly callOf: Int32Array;
  /** How many awaited source workers there are: a hedge copy of the one at `callOf` w is call `awaited + callOf[w]`. */
  readonly awaited: number;
}

export function clientCallsOf(costs: TaskCosts, plan: CompactPlan, runOrder: Int32Array, awaited: Uint8Array, hedged: boolean): ClientCalls {
  const { parentOffsets } = costs.graph;
  const workers = plan.tierOf.length;
  const callOf = new Int32Array(workers).fill(-1);
  const seen = new Uint8Array(workers);
  const unawaited: number[] = [];
  let next = 0;
  for (const task of runOrder) {
    if (costs.stored?.[task] === 1) continue;
    const worker = plan.workerOf[task] as number;
    if (seen[worker] === 1) continue;
    seen[worker] = 1;
    if (parentOffsets[task] !== parentOffsets[task + 1]) continue;
    if (awaited[worker] === 1) callOf[worker] = next++;
    else unawaited.push(worker);
  }
  const awaitedCalls = next;
  if (hedged) next *= 2;
  for (const worker of unawaited) callOf[worker] = next++;
  return { callOf, awaited: awaitedCalls };
}

/** When the client's call at `position` ends: it waits for position / concurrency rounds of earlier calls, then takes one call's time. */
export function clientCallEndMs(costs: TaskCosts, position: number): number {
  return Math.floor(position / costs.clientInvokeConcurrency) * costs.invokeApiMeanMs + costs.invokeApiMs;
}
