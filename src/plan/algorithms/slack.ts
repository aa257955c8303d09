import type { CompactPlan } from '../compact-plan.js';
import type { PlanEstimate } from '../plan-estimate.js';
import { transfersOn, type TaskCosts } from '../task-costs.js';

/**
 * How much later each task could start without the plan's makespan growing: a backward pass over
 * the plan in reverse run order, against the same rules the estimator runs forward (a task must
 * finish, and upload when others need its output, before its worker's next task and before
 * consumers on other workers fetch it). Approximate where the estimator takes maxima (a slack is
 * never counted twice across workers here), so callers verify changes with the estimator.
 */
export function startSlackMs(costs: TaskCosts, plan: CompactPlan, estimate: PlanEstimate): Float64Array {
  const { graph } = costs;
  const n = graph.taskCount;
  const { parentOffsets, parentValues, childOffsets, childValues } = graph;
  const { runOrder } = estimate;
  const nextOnWorker = new Int32Array(n).fill(-1);
  const lastOnWorker = new Map<number, number>();
  for (let i = runOrder.length - 1; i >= 0; i -= 1) {
    const task = runOrder[i] as number;
    const worker = plan.workerOf[task] as number;
    nextOnWorker[task] = lastOnWorker.get(worker) ?? -1;
    lastOnWorker.set(worker, task);
  }
  // Download time a task waits for after its worker turns to it (0 with preload).
  const waitDownloadMs = new Float64Array(n);
  // A preloaded task's gets: issued once its worker has read the marks as the task before it began
  // (a round trip), one after another on the worker's link (their request latencies overlap), and
  // behind that task's upload when it has one.
  const preloadLeadMs = new Float64Array(n);
  const preloadWireMs = new Float64Array(n);
  const getLatencyMs = costs.getLatencyMs ?? 0;
  // Gets run at the bandwidth of the consumer's tier.
  const transfersOfTask = (task: number) => transfersOn(costs, plan.tierOf[plan.workerOf[task] as number] as number);
  for (let task = 0; task < n; task += 1) {
    const { edgeDownloadMs } = transfersOfTask(task);
    let downloadMs = 0;
    let wireMs = 0;
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      if (plan.workerOf[parent] === plan.workerOf[task]) continue;
      const edgeMs = edgeDownloadMs[k] as number;
      downloadMs += edgeMs;
      wireMs += Math.max(0, edgeMs - getLatencyMs);
    }
    if (plan.preload[task] === 1) {
      preloadLeadMs[task] = downloadMs > 0 ? costs.coordinationMs + getLatencyMs + wireMs : 0;
      preloadWireMs[task] = wireMs;
    } else {
      waitDownloadMs[task] = downloadMs;
    }
  }
  const latestStart = new Float64Array(n);
  const slack = new Float64Array(n);
  for (let i = runOrder.length - 1; i >= 0; i -= 1) {
    const task = runOrder[i] as number;
    const worker = plan.workerOf[task] as number;
    const uploadMs = (estimate.availableMs[task] as number) - (estimate.finishMs[task] as number);
    let latestFinish = estimate.makespanMs - uploadMs;
    const next = nextOnWorker[task] as number;
    // The next task's preloaded gets queue behind this task's upload on the worker's link.
    if (next !== -1) latestFinish = Math.min(latestFinish, (latestStart[next] as number) - (waitDownloadMs[next] as number) - uploadMs - (uploadMs > 0 ? (preloadWireMs[next] as number) : 0));
    for (let k = childOffsets[task] as number; k < (childOffsets[task + 1] as number); k += 1) {
      const child = childValues[k] as number;
      if (plan.workerOf[child] === worker) continue;
      const fetchMs = plan.preload[child] === 1 ? (transfersOfTask(child).downloadMs[task] as number) : (waitDownloadMs[child] as number);
      latestFinish = Math.min(latestFinish, (latestStart[child] as number) - fetchMs - uploadMs);
    }
    latestStart[task] = latestFinish - ((estimate.finishMs[task] as number) - (estimate.startMs[task] as number));
    // They go out when this task starts, not when it ends: a task shorter than the gets delays the
    // next by as much as it starts late (svd-square under random, aws-blas: y0-mul-3-1 runs 0.4 ms,
    // the gets of y0-mul-3-2 after it 25 ms; counted from its end, y0-mul-3-1 had 83 ms of slack
    // against y0-mul-3-2's 58, yet the estimator delays y0-mul-3-2 by every ms y0-mul-3-1 starts late).
    if (next !== -1 && plan.preload[next] === 1) latestStart[task] = Math.min(latestStart[task] as number, (latestStart[next] as number) - (preloadLeadMs[next] as number));
    slack[task] = Math.max(0, (latestStart[task] as number) - (estimate.startMs[task] as number));
  }
  return slack;
}
