import type { Dag } from '../../dag/dag.js';
import type { MetadataAccess } from '../../metadata/metadata-access.js';
import type { Sla } from '../../metadata/sla.js';
import { emptyCompactPlan, toPlanOutput, type CompactPlan } from '../compact-plan.js';
import type { PlanningAlgorithm, PlanningContext, PlanOutput } from '../planning-algorithm.js';
import { bestTierIndex, predictTaskCosts, transfersOn, type TaskCosts } from '../task-costs.js';
import { MinHeap } from './min-heap.js';
import { bestPlan, estimated, optimize, type EstimatedPlan } from './optimizations.js';
import { heftCandidateCounts, planHeftCompact } from './heft.js';

/**
 * Thesis algorithm 1 ("uniform"): every worker gets the same memory tier, the best one (see
 * bestTierIndex). Tasks are placed in topological order from predicted exec times, output sizes and
 * transfer times, on their parents' workers or a new one, whichever finishes the task first:
 * - a fan-in child stays with a parent's worker when that beats the transfers; among equal
 *   choices, with the parent whose output is largest (the transfer it saves is the biggest);
 * - a child of a fan-out (or any task) gets a new worker only when the parallel gain exceeds the
 *   producer's upload, the download, the Invoke call and the cold start;
 * - sources go to the least-busy source worker unless a new worker would finish sooner.
 * Then pre-load on the critical path until it stops shrinking, pre-warm, and dup (./optimizations.ts).
 * O((V + E) log V).
 *
 * The greedy placement never looks ahead: on GEMM and TSQR it keeps a stage's consumers on the
 * worker that holds the big input and runs them in series (its own estimate: 156 s against HEFT's
 * 26 s on GEMM at paper size). So the `uniform` planner also list-schedules the same tier with HEFT
 * and keeps whichever plan the shared estimator predicts faster (cheaper on a tie).
 */
export function planUniformCompact(costs: TaskCosts, tier: number, maxWorkers = Infinity): EstimatedPlan {
  const { graph } = costs;
  const n = graph.taskCount;
  const { parentOffsets, parentValues } = graph;
  const exec = costs.execMs[tier] as Float64Array;
  // Transfers at this tier's bandwidth.
  const { uploadMs, downloadMs, edgeDownloadMs } = transfersOn(costs, tier);
  const plan: CompactPlan = emptyCompactPlan(n);
  const finish = new Float64Array(n);
  const uploaded = new Uint8Array(n);
  const workerFree: number[] = [];
  const newWorkerDelay = costs.invokeApiMs + (costs.coldStartMs[tier] as number);
  const sourceWorkers = new MinHeap((worker) => workerFree[worker] as number);
  // Per-worker scratch for one task's parents, valid when stamp[worker] === task + 1.
  const stamp = new Int32Array(n);
  const localMax = new Float64Array(n);
  const downloadOn = new Float64Array(n);
  const candidates: number[] = [];

  const newWorker = (): number => {
    plan.tierOf.push(tier);
    workerFree.push(0);
    return plan.tierOf.length - 1;
  };
  const canAddWorker = (): boolean => plan.tierOf.length < maxWorkers;

  for (const task of graph.topo) {
    const ms = exec[task] as number;
    // A new worker's result must travel back to where its consumers gather it: its gain must beat
    // that transfer too, not just the Invoke call and the cold start already in its finish time.
    const hasChildren = graph.childOffsets[task] !== graph.childOffsets[task + 1];
    const returnTransferMs = hasChildren ? (uploadMs[task] as number) + (downloadMs[task] as number) : 0;
    const pStart = parentOffsets[task] as number;
    const pEnd = parentOffsets[task + 1] as number;
    let chosen: number;
    let done: number;
    if (pStart === pEnd) {
      const existing = sourceWorkers.peek();
      const sameFinish = existing === undefined ? Infinity : (workerFree[existing] as number) + ms;
      if (existing !== undefined && (sameFinish <= newWorkerDelay + ms + returnTransferMs || !canAddWorker())) {
        chosen = sourceWorkers.pop() as number;
        done = sameFinish;
      } else {
        chosen = newWorker();
        done = newWorkerDelay + ms;
      }
      workerFree[chosen] = done;
      sourceWorkers.push(chosen);
    } else {
      // The two latest remote-ready parents on distinct workers: "latest remote input not on w" in O(1).
      let best1 = -Infinity;
      let best1Worker = -1;
      let best2 = -Infinity;
      let totalDownload = 0;
      let largest = -1;
      candidates.length = 0;
      for (let k = pStart; k < pEnd; k += 1) {
        const parent = parentValues[k] as number;
        const download = edgeDownloadMs[k] as number;
        totalDownload += download;
        // Already ran (re-planning): in the store from the start, and no worker holds it.
        if (costs.stored?.[parent] === 1) continue;
        const worker = plan.workerOf[parent] as number;
        const remoteReady = (finish[parent] as number) + (uploadMs[parent] as number);
        if (stamp[worker] !== task + 1) {
          stamp[worker] = task + 1;
          localMax[worker] = 0;
          downloadOn[worker] = 0;
          candidates.push(worker);
        }
        localMax[worker] = Math.max(localMax[worker] as number, finish[parent] as number);
        downloadOn[worker] = (downloadOn[worker] as number) + download;
        if (remoteReady > best1) {
          if (worker !== best1Worker) best2 = best1;
          best1 = remoteReady;
          best1Worker = worker;
        } else if (worker !== best1Worker && remoteReady > best2) best2 = remoteReady;
        if (largest === -1 || (costs.outputBytes[parent] as number) > (costs.outputBytes[largest] as number)) largest = parent;
      }
      const finishOn = (worker: number): number => {
        const remote = worker === best1Worker ? best2 : best1;
        const ready = Math.max(workerFree[worker] as number, localMax[worker] as number, remote === -Infinity ? 0 : remote);
        return ready + totalDownload - (downloadOn[worker] as number) + ms;
      };
      if (largest === -1) {
        // Every input is stored already: like a source that first downloads them.
        chosen = candidates.length === 0 && canAddWorker() ? newWorker() : (sourceWorkers.peek() ?? newWorker());
        best1 = 0;
      } else chosen = plan.workerOf[largest] as number;
      done = finishOn(chosen);
      for (const worker of candidates) {
        const candidate = finishOn(worker);
        if (candidate < done) {
          done = candidate;
          chosen = worker;
        }
      }
      const newFinish = best1 + newWorkerDelay + totalDownload + ms;
      if (newFinish + returnTransferMs < done && canAddWorker()) {
        chosen = newWorker();
        done = newFinish;
      }
      workerFree[chosen] = done;
      // A parent on another worker now uploads its output; its worker is busy for the put.
      for (let k = pStart; k < pEnd; k += 1) {
        const parent = parentValues[k] as number;
        const worker = plan.workerOf[parent] as number;
        if (worker !== chosen && uploaded[parent] === 0 && costs.stored?.[parent] !== 1) {
          uploaded[parent] = 1;
          workerFree[worker] = (workerFree[worker] as number) + (uploadMs[parent] as number);
        }
      }
    }
    plan.workerOf[task] = chosen;
    finish[task] = done;
  }
  return optimize(costs, estimated(costs, plan));
}

/** The uniform planner's choice: its greedy plan or a HEFT list schedule on the same tier, whichever the estimator predicts faster. */
export function planUniformBest(costs: TaskCosts, tier: number, maxWorkers?: number): EstimatedPlan {
  return bestPlan(costs, [planUniformCompact(costs, tier, maxWorkers), ...heftCandidateCounts(costs, maxWorkers).map((workers) => planHeftCompact(costs, tier, workers))]);
}

export const uniformPlanner: PlanningAlgorithm = {
  name: 'uniform',
  plan(dag: Dag, metadata: MetadataAccess, sla: Sla, context: PlanningContext): PlanOutput {
    const costs = predictTaskCosts(dag, metadata, sla, context.tiers, context.platform, context.replanning?.done, context.replanning);
    const { plan, estimate } = planUniformBest(costs, bestTierIndex(costs), context.maxWorkers);
    return { ...toPlanOutput(costs, plan), predicted: { makespanMs: estimate.makespanMs, costUsd: estimate.costUsd, workers: estimate.workerCount } };
  },
};
