import type { CompactPlan } from './compact-plan.js';
import type { TaskCosts } from './task-costs.js';

/**
 * Bytes through the store's server (each uploaded output once; each worker fetches the outputs
 * of a remote parent it references once, unless it recomputes that dup producer: `recomputed`,
 * keys producer * workers + worker) over its rate; 0 when the store scales out. Counting the
 * recomputed fetches too put GEMM's uniform plan (paper size, aws-blas) at 96 GB, a bound of
 * 76.8 s against 40 s simulated; without them 72 GB (the simulator moves 48.6 GB: its puts queue
 * at the server, so its workers find more random blocks unmarked and recompute them).
 */
export function storeServerBoundMs(costs: TaskCosts, plan: CompactPlan, recomputed: ReadonlySet<number>): number {
  const rate = costs.storeServerBytesPerMs;
  if (rate === undefined) return 0;
  const { parentOffsets, parentValues, isOutput, taskCount } = costs.graph;
  const workers = plan.tierOf.length;
  const uploads = new Uint8Array(taskCount);
  // (parent, consumer worker) -> the most bytes one of that worker's tasks reads of the parent.
  const fetched = new Map<number, number>();
  for (let task = 0; task < taskCount; task += 1) {
    const worker = plan.workerOf[task] as number;
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      const stored = costs.stored?.[parent] === 1;
      if (plan.workerOf[parent] === worker && !stored) continue;
      if (!stored) uploads[parent] = 1;
      const key = parent * workers + worker;
      if (recomputed.has(key)) continue;
      fetched.set(key, Math.max(fetched.get(key) ?? 0, costs.edgeBytes[k] as number));
    }
  }
  let bytes = 0;
  for (let task = 0; task < taskCount; task += 1) {
    if ((uploads[task] === 1 || isOutput[task] === 1) && costs.stored?.[task] !== 1) bytes += costs.outputBytes[task] as number;
  }
  for (const edgeBytes of fetched.values()) bytes += edgeBytes;
  return bytes / rate;
}
