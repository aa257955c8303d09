import type { CompactPlan } from './compact-plan.js';
import type { PlanEstimate } from './plan-estimate.js';
import { startSlackMs } from './algorithms/slack.js';
import { startTailMs } from './start-tail.js';
import { transfersOn, type TaskCosts } from './task-costs.js';

/**
 * Parking pays (in money) only when the wait it saves is this many times the re-invocation it
 * costs; below that, waiting is cheaper or the difference is noise in the predictions.
 */
export const PARK_GAIN = 4;

/** What a worker holds in memory while its tasks run, from the plan's estimate. */
export interface WorkerMemory {
  /** Per task: bytes of its own worker's earlier outputs still needed there when it starts. */
  readonly heldBytes: Float64Array;
  /** Per task: upload + download time of those bytes (what a park and its resume move). */
  readonly heldTransferMs: Float64Array;
  /** Per worker: the most bytes it holds at once (held outputs + the running task's inputs and output). */
  readonly peakBytes: Float64Array;
}

/**
 * Walks the plan in run order keeping, per worker, the outputs of its own tasks that a later task
 * there still reads (they live in its memory until the last such reader ran).
 */
export function workerMemory(costs: TaskCosts, plan: CompactPlan, estimate: PlanEstimate): WorkerMemory {
  const { graph } = costs;
  const n = graph.taskCount;
  const { parentOffsets, parentValues, childOffsets, childValues } = graph;
  const localReadersLeft = new Int32Array(n);
  for (let task = 0; task < n; task += 1) {
    for (let k = childOffsets[task] as number; k < (childOffsets[task + 1] as number); k += 1) {
      if (plan.workerOf[childValues[k] as number] === plan.workerOf[task]) localReadersLeft[task] = (localReadersLeft[task] as number) + 1;
    }
  }
  const workers = plan.tierOf.length;
  const live = new Float64Array(workers);
  const liveTransfer = new Float64Array(workers);
  const peakBytes = new Float64Array(workers);
  const heldBytes = new Float64Array(n);
  const heldTransferMs = new Float64Array(n);
  for (const task of estimate.runOrder) {
    const worker = plan.workerOf[task] as number;
    heldBytes[task] = live[worker] as number;
    heldTransferMs[task] = liveTransfer[worker] as number;
    let remoteInputs = 0;
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      if (plan.workerOf[parent] !== worker) remoteInputs += costs.outputBytes[parent] as number;
    }
    const output = costs.outputBytes[task] as number;
    peakBytes[worker] = Math.max(peakBytes[worker] as number, (live[worker] as number) + remoteInputs + output);
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      if (plan.workerOf[parent] !== worker) continue;
      localReadersLeft[parent] = (localReadersLeft[parent] as number) - 1;
      if (localReadersLeft[parent] === 0) {
        live[worker] = (live[worker] as number) - (costs.outputBytes[parent] as number);
        liveTransfer[worker] = (liveTransfer[worker] as number) - transferOf(costs, plan, parent);
      }
    }
    if ((localReadersLeft[task] as number) > 0) {
      live[worker] = (live[worker] as number) + output;
      liveTransfer[worker] = (liveTransfer[worker] as number) + transferOf(costs, plan, task);
    }
  }
  return { heldBytes, heldTransferMs, peakBytes };
}

/**
 * A park threshold per task from the plan's predicted wait, against what a park costs: the resume's
 * Invoke call and warm start, plus storing and fetching back what the worker holds.
 * - A task predicted to wait at least PARK_GAIN times that, with at least that much slack (the
 *   delay of resuming does not reach the makespan), parks at once (0): the wait is billed idle time.
 * - Any other task waits for its predicted wait plus the re-invocation cost (or the run's default,
 *   whichever is longer) before parking: a wait as predicted never parks, so a worker holding large
 *   outputs does not store, stop and fetch them back on the critical path; a producer much later
 *   than predicted still lets it park.
 * Tasks without remote inputs never wait and get none (NaN).
 */
export function parkThresholds(costs: TaskCosts, plan: CompactPlan, estimate: PlanEstimate, defaultParkAfterMs: number): Float64Array {
  const { graph } = costs;
  const n = graph.taskCount;
  const { parentOffsets, parentValues } = graph;
  const { heldTransferMs } = workerMemory(costs, plan, estimate);
  const slack = startSlackMs(costs, plan, estimate);
  const thresholds = new Float64Array(n).fill(Number.NaN);
  // The estimate's waits assume median cold starts; a producer upstream may start as late as the
  // slowest of the plan's workers. A wait that long is still a wait as predicted, not a park. The
  // slowest is allowed for at its 90th percentile, not its median: at the median, every other run
  // parked workers that then waited for a re-invocation (TSQR, 16 workers: 5 to 15 parks in 7 of
  // 11 seeds, simulated makespan 1.24x the forecast; at the 90th: 1.14x).
  const startTail = startTailMs(costs, estimate.workerCount, 0.9);
  const freeAt = new Float64Array(plan.tierOf.length);
  const seen = new Uint8Array(plan.tierOf.length);
  for (const task of estimate.runOrder) {
    const worker = plan.workerOf[task] as number;
    const tier = plan.tierOf[worker] as number;
    const free = seen[worker] === 1 ? (freeAt[worker] as number) : (estimate.workerReadyMs[worker] as number);
    seen[worker] = 1;
    freeAt[worker] = estimate.availableMs[task] as number;
    let remote = false;
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      if (plan.workerOf[parentValues[k] as number] !== worker) remote = true;
    }
    if (!remote) continue;
    const predictedWaitMs = Math.max(0, (estimate.startMs[task] as number) - free);
    const reinvokeMs = costs.invokeApiMs + (costs.warmStartMs[tier] as number) + (heldTransferMs[task] as number);
    const parkAtOnce = predictedWaitMs >= PARK_GAIN * reinvokeMs && (slack[task] as number) >= reinvokeMs;
    thresholds[task] = parkAtOnce ? 0 : Math.max(defaultParkAfterMs, predictedWaitMs + startTail + reinvokeMs);
  }
  return thresholds;
}

/** Storing a task's output and fetching it back, on the worker that holds it. */
function transferOf(costs: TaskCosts, plan: CompactPlan, task: number): number {
  const { uploadMs, downloadMs } = transfersOn(costs, plan.tierOf[plan.workerOf[task] as number] as number);
  return (uploadMs[task] as number) + (downloadMs[task] as number);
}

/** Lambda's memory sizes are MiB. */
const BYTES_PER_MB = 1024 * 1024;

/** Workers whose predicted peak holding exceeds their tier's memory, with the peak in MB. */
export function workersOverMemory(costs: TaskCosts, plan: CompactPlan, memory: WorkerMemory): { worker: number; peakMb: number; tierMb: number }[] {
  const over: { worker: number; peakMb: number; tierMb: number }[] = [];
  for (let worker = 0; worker < plan.tierOf.length; worker += 1) {
    const tierMb = costs.tiers[plan.tierOf[worker] as number] as number;
    const peakMb = (memory.peakBytes[worker] as number) / BYTES_PER_MB;
    if (peakMb > tierMb) over.push({ worker, peakMb, tierMb });
  }
  return over;
}

/** The smallest tier index whose memory holds `peakBytes`, or -1. */
export function smallestTierHolding(costs: TaskCosts, peakBytes: number): number {
  return costs.tiers.findIndex((tierMb) => peakBytes / BYTES_PER_MB <= tierMb);
}
