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
  // Gets run at the bandwidth of the consumer's tier.
  const transfersOfTask = (task: number) => transfersOn(costs, plan.tierOf[plan.workerOf[task] as number] as number);
  for (let task = 0; task < n; task += 1) {
    if (plan.preload[task] === 1) continue;
    const { edgeDownloadMs } = transfersOfTask(task);
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      if (plan.workerOf[parent] !== plan.workerOf[task]) waitDownloadMs[task] = (waitDownloadMs[task] as number) + (edgeDownloadMs[k] as number);
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
    if (next !== -1) latestFinish = Math.min(latestFinish, (latestStart[next] as number) - (waitDownloadMs[next] as number) - uploadMs);
    for (let k = childOffsets[task] as number; k < (childOffsets[task + 1] as number); k += 1) {
      const child = childValues[k] as number;
      if (plan.workerOf[child] === worker) continue;
      const fetchMs = plan.preload[child] === 1 ? (transfersOfTask(child).downloadMs[task] as number) : (waitDownloadMs[child] as number);
      latestFinish = Math.min(latestFinish, (latestStart[child] as number) - fetchMs - uploadMs);
    }
    latestStart[task] = latestFinish - ((estimate.finishMs[task] as number) - (estimate.startMs[task] as number));
    slack[task] = Math.max(0, (latestStart[task] as number) - (estimate.startMs[task] as number));
  }
  return slack;
}
