import { estimateCost } from '../model/cost-model.js';
import type { CompactPlan } from './compact-plan.js';
import type { TaskCosts } from './task-costs.js';

/** What the estimator forecasts of a plan. Times are ms from the client's first invoke. */
export interface PlanEstimate {
  readonly makespanMs: number;
  readonly costUsd: number;
  readonly gbSeconds: number;
  readonly costFormula: string;
  readonly workerCount: number;
  /** Per task: compute start and end, and when its output is where consumers can get it. */
  readonly startMs: Float64Array;
  readonly finishMs: Float64Array;
  readonly availableMs: Float64Array;
  /** Per worker: when its handler began (billing starts), when its first task could run, when it ended. */
  readonly workerBeginMs: Float64Array;
  readonly workerReadyMs: Float64Array;
  readonly workerEndMs: Float64Array;
  /** Per worker: when its first task's remote inputs were all in the store (0 for a source). */
  readonly workerTriggerMs: Float64Array;
  /** Per worker: its first task (-1 when none). */
  readonly firstTaskOf: Int32Array;
  /**
   * Per task: what its start waited for last: a task index (a remote parent, or the task before
   * it on its worker), or -1 for its worker's start. Walking it back from the last task gives the
   * critical path of the plan.
   */
  readonly delayedBy: Int32Array;
  /** Task indices in the order the workers' lists interleave (plan order, ties topological). */
  readonly runOrder: Int32Array;
}

/**
 * The one estimator of every planner (ADR: planners share it so their forecasts compare): an
 * event-driven list schedule of the plan, in one pass over the tasks in plan order, modelling the
 * planned-mode executor (DESIGN.md §4):
 * - a worker is invoked when its first task's inputs are in the store (a source's: at time 0 by
 *   the client), or earlier when a task pre-warms it; it is ready after the Invoke call and a cold start;
 * - it runs its tasks one after another in plan order;
 * - a parent's output on the same worker is in memory; from another worker it is fetched after
 *   the producer uploaded it. Without preload the fetches run when the worker turns to the task;
 *   with preload they run while the worker computes earlier tasks (as soon as the bytes exist);
 * - a task whose output is needed by another worker, or is a DAG output, is uploaded at once (the
 *   worker waits for the put);
 * - a dup-annotated producer whose inputs all live on the consumer's worker is recomputed there
 *   when that is sooner than waiting for its transfer;
 * - cost: each worker billed from handler start (cold start INIT included, as AWS bills it since
 *   2025-08) to its last upload, at its tier, plus one request per worker (src/model/cost-model.ts).
 * - a store with one server (Redis) moves every put and get through it: the makespan is at least
 *   the plan's bytes moved over the server's rate (a plan that spreads 200 MB blocks over 125
 *   workers is predicted as slow as the server makes it, not as its per-worker bandwidth says).
 * Not modelled: parking, the timing of server contention, S3 request charges.
 */
export function estimatePlan(costs: TaskCosts, plan: CompactPlan): PlanEstimate {
  const { graph } = costs;
  const n = graph.taskCount;
  const { parentOffsets, parentValues, childOffsets, childValues } = graph;
  const { workerOf, tierOf, preload, dup } = plan;
  const workers = tierOf.length;
  const runOrder = runOrderOf(costs, plan);

  const startMs = new Float64Array(n);
  const finishMs = new Float64Array(n);
  const availableMs = new Float64Array(n);
  const delayedBy = new Int32Array(n).fill(-1);
  const started = new Uint8Array(workers);
  const workerFree = new Float64Array(workers);
  const workerLast = new Int32Array(workers).fill(-1);
  const workerBeginMs = new Float64Array(workers);
  const workerReadyMs = new Float64Array(workers);
  const workerEndMs = new Float64Array(workers);
  const workerTriggerMs = new Float64Array(workers);
  const firstTaskOf = new Int32Array(workers).fill(-1);
  const prewarmAt = new Float64Array(workers).fill(Infinity);
  // 1 + the worker that recomputed a dup producer (its output is then in that worker's memory).
  const recomputedOn = new Int32Array(n);

  const stored = costs.stored;
  for (const task of runOrder) {
    // Already ran (re-planning): its output is in the store from the start.
    if (stored?.[task] === 1) continue;
    const worker = workerOf[task] as number;
    const tier = tierOf[worker] as number;
    const exec = costs.execMs[tier] as Float64Array;
    const pStart = parentOffsets[task] as number;
    const pEnd = parentOffsets[task + 1] as number;

    if (started[worker] === 0) {
      started[worker] = 1;
      firstTaskOf[worker] = task;
      let trigger = 0;
      for (let k = pStart; k < pEnd; k += 1) trigger = Math.max(trigger, availableMs[parentValues[k] as number] as number);
      const invokedAt = Math.min(trigger, prewarmAt[worker] as number);
      workerTriggerMs[worker] = trigger;
      workerBeginMs[worker] = invokedAt + costs.invokeApiMs;
      workerReadyMs[worker] = workerBeginMs[worker] + (costs.coldStartMs[tier] as number);
      workerFree[worker] = workerReadyMs[worker] as number;
    }

    const free = workerFree[worker] as number;
    let remoteReady = 0;
    let remoteLast = -1;
    let downloadSum = 0;
    let preloadArrival = 0;
    let preloadLast = -1;
    let recomputeMs = 0;
    for (let k = pStart; k < pEnd; k += 1) {
      const parent = parentValues[k] as number;
      if ((workerOf[parent] === worker && stored?.[parent] !== 1) || recomputedOn[parent] === worker + 1) continue; // in memory
      const available = availableMs[parent] as number;
      const download = costs.downloadMs[parent] as number;
      if (dup[parent] === 1 && stored?.[parent] !== 1 && inputsAllOn(costs, plan, parent, worker)) {
        const recompute = exec[parent] as number;
        if (free + recomputeMs + recompute < Math.max(available, free) + download) {
          recomputeMs += recompute;
          recomputedOn[parent] = worker + 1;
          continue;
        }
      }
      if (available > remoteReady || remoteLast === -1) {
        remoteReady = Math.max(remoteReady, available);
        remoteLast = parent;
      }
      downloadSum += download;
      const arrival = Math.max(available, workerBeginMs[worker] as number) + download;
      if (arrival > preloadArrival || preloadLast === -1) {
        preloadArrival = Math.max(preloadArrival, arrival);
        preloadLast = parent;
      }
    }
    let start: number;
    if (preload[task] === 1) {
      start = Math.max(free, preloadArrival);
      delayedBy[task] = preloadArrival > free ? preloadLast : (workerLast[worker] as number);
    } else {
      start = Math.max(free, remoteReady) + downloadSum;
      delayedBy[task] = remoteReady > free ? remoteLast : (workerLast[worker] as number);
    }
    start += recomputeMs;
    const finish = start + (exec[task] as number);
    let needsUpload = graph.isOutput[task] === 1;
    for (let k = childOffsets[task] as number; !needsUpload && k < (childOffsets[task + 1] as number); k += 1) {
      if (workerOf[childValues[k] as number] !== worker) needsUpload = true;
    }
    startMs[task] = start;
    finishMs[task] = finish;
    availableMs[task] = needsUpload ? finish + (costs.uploadMs[task] as number) : finish;
    workerFree[worker] = availableMs[task] as number;
    workerEndMs[worker] = availableMs[task] as number;
    workerLast[worker] = task;
    const prewarmed = plan.prewarm.get(task);
    if (prewarmed) for (const target of prewarmed) prewarmAt[target] = Math.min(prewarmAt[target] as number, start);
  }

  let makespanMs = storeServerBoundMs(costs, plan);
  const executors: { durationMs: number; memoryMb: number }[] = [];
  for (let worker = 0; worker < workers; worker += 1) {
    if (started[worker] === 0) continue;
    makespanMs = Math.max(makespanMs, workerEndMs[worker] as number);
    executors.push({ durationMs: (workerEndMs[worker] as number) - (workerBeginMs[worker] as number), memoryMb: costs.tiers[tierOf[worker] as number] as number });
  }
  const cost = estimateCost({ executors, invocations: executors.length });
  return {
    makespanMs,
    costUsd: cost.usd,
    gbSeconds: cost.gbSeconds,
    costFormula: cost.formula,
    workerCount: executors.length,
    startMs,
    finishMs,
    availableMs,
    workerBeginMs,
    workerReadyMs,
    workerEndMs,
    workerTriggerMs,
    firstTaskOf,
    delayedBy,
    runOrder,
  };
}

/** The plan's critical path: task indices from the first to the one that ends last. */
export function criticalPathOf(estimate: PlanEstimate): number[] {
  let last = -1;
  for (let task = 0; task < estimate.availableMs.length; task += 1) {
    if (last === -1 || (estimate.availableMs[task] as number) >= (estimate.availableMs[last] as number)) last = task;
  }
  const path: number[] = [];
  for (let task = last; task !== -1 && path.length <= estimate.availableMs.length; task = estimate.delayedBy[task] as number) path.push(task);
  return path.reverse();
}

/** Whether every input of `task` is computed on `worker` (a source's: trivially). */
export function inputsAllOn(costs: TaskCosts, plan: CompactPlan, task: number, worker: number): boolean {
  const { parentOffsets, parentValues } = costs.graph;
  for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
    if (plan.workerOf[parentValues[k] as number] !== worker) return false;
  }
  return true;
}

/** Tasks in plan order (ties and absent orders: topological). */
function runOrderOf(costs: TaskCosts, plan: CompactPlan): Int32Array {
  const { topo, topoPosition } = costs.graph;
  const order = plan.order;
  if (!order) return topo;
  const sorted = topo.slice();
  sorted.sort((a, b) => (order[a] as number) - (order[b] as number) || (topoPosition[a] as number) - (topoPosition[b] as number));
  return sorted;
}

/**
 * Bytes through the store's server (each uploaded output once, each remote input once per worker
 * that fetches it) over its rate; 0 when the store scales out.
 */
function storeServerBoundMs(costs: TaskCosts, plan: CompactPlan): number {
  const rate = costs.storeServerBytesPerMs;
  if (rate === undefined) return 0;
  const { parentOffsets, parentValues, childOffsets, childValues, isOutput, taskCount } = costs.graph;
  let bytes = 0;
  const fetchedBy = new Set<number>();
  for (let task = 0; task < taskCount; task += 1) {
    const worker = plan.workerOf[task] as number;
    fetchedBy.clear();
    for (let k = childOffsets[task] as number; k < (childOffsets[task + 1] as number); k += 1) {
      const consumer = plan.workerOf[childValues[k] as number] as number;
      if (consumer !== worker || costs.stored?.[task] === 1) fetchedBy.add(consumer);
    }
    const out = costs.outputBytes[task] as number;
    if ((fetchedBy.size > 0 || isOutput[task] === 1) && costs.stored?.[task] !== 1) bytes += out;
    bytes += out * fetchedBy.size;
  }
  void parentOffsets;
  void parentValues;
  return bytes / rate;
}
