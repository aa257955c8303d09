import type { Dag } from '../../dag/dag.js';
import type { MetadataAccess } from '../../metadata/metadata-access.js';
import type { Sla } from '../../metadata/sla.js';
import { emptyCompactPlan, toPlanOutput } from '../compact-plan.js';
import type { PlanningAlgorithm, PlanningContext, PlanOutput } from '../planning-algorithm.js';
import { bestTierIndex, predictTaskCosts, transfersOn, type TaskCosts } from '../task-costs.js';
import { estimated, optimize, type EstimatedPlan } from './optimizations.js';
import { TierStarts } from '../hand-over.js';

/**
 * HEFT's processor count when `--max-workers` is not given: the DAG's widest level, at most this
 * (Lambda's default account concurrency). A fixed 32 ran TR's 512 independent 500 ms reductions in
 * 16 rounds (2.6x WUKONG's makespan).
 */
export const MAX_DEFAULT_HEFT_WORKERS = 1000;

/** Tasks per level (longest path from a source, in edges), level 0 first. */
function tasksPerLevel(costs: TaskCosts): number[] {
  const { parentOffsets, parentValues, topo, taskCount } = costs.graph;
  const level = new Int32Array(taskCount);
  const perLevel: number[] = [];
  for (const task of topo) {
    let depth = 0;
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) depth = Math.max(depth, (level[parentValues[k] as number] as number) + 1);
    level[task] = depth;
    perLevel[depth] = (perLevel[depth] ?? 0) + 1;
  }
  return perLevel;
}

/** The most tasks on one level (longest path from a source, in edges): the parallelism HEFT can use. */
export function widestLevel(costs: TaskCosts): number {
  return tasksPerLevel(costs).reduce((most, count) => Math.max(most, count), 1);
}

/**
 * The most tasks on one level below the sources: the parallelism a plan needs once the sources
 * share their consumers' workers. SVC at paper size: 51 sources (40 training blocks, 10 test
 * blocks, the weights) but 40 gradient tasks a round.
 */
export function widestInnerLevel(costs: TaskCosts): number {
  return tasksPerLevel(costs).reduce((most, count, level) => (level === 0 ? most : Math.max(most, count)), 1);
}

/** HEFT's worker count: the caller's limit, else the DAG's width capped at MAX_DEFAULT_HEFT_WORKERS. */
export function heftWorkerCount(costs: TaskCosts, maxWorkers: number | undefined): number {
  return maxWorkers ?? Math.min(widestLevel(costs), MAX_DEFAULT_HEFT_WORKERS);
}

interface Slot {
  readonly start: number;
  readonly end: number;
}

/**
 * HEFT (Topcuoglu, Hariri and Wu, IEEE TPDS 2002), the classical list scheduler, as a baseline:
 * tasks by decreasing upward rank (exec + the heaviest path of transfer + rank below), each placed
 * on whichever of `maxWorkers` workers (all on the best tier) gives the earliest finish, inserting
 * into an idle gap when one fits. A worker's first use costs an Invoke call and a cold start;
 * a transfer costs the producer's upload plus the download. Each task's `order` is its position by
 * start time, so workers run tasks in the order HEFT placed them. O(V · workers · tasks per worker):
 * a baseline for small and mid-size DAGs, not the 100k-task planner.
 */
export function planHeftCompact(costs: TaskCosts, tier: number, maxWorkers: number): EstimatedPlan {
  const { graph } = costs;
  const n = graph.taskCount;
  const { parentOffsets, parentValues, childOffsets, childValues, topo, topoPosition } = graph;
  const exec = costs.execMs[tier] as Float64Array;
  // Transfers at this tier's bandwidth.
  const { uploadMs, downloadMs, edgeDownloadMs } = transfersOn(costs, tier);
  const transferMs = (task: number): number => (uploadMs[task] as number) + (downloadMs[task] as number);

  const rank = new Float64Array(n);
  for (let i = topo.length - 1; i >= 0; i -= 1) {
    const task = topo[i] as number;
    let below = 0;
    for (let k = childOffsets[task] as number; k < (childOffsets[task + 1] as number); k += 1) {
      const child = childValues[k] as number;
      below = Math.max(below, transferMs(task) + (rank[child] as number));
    }
    rank[task] = (exec[task] as number) + below;
  }
  // Decreasing rank is a topological order when ranks strictly decrease along edges; ties (zero
  // exec and transfer) fall back on topological position, which keeps parents first.
  const byRank = Array.from(topo).sort((a, b) => (rank[b] as number) - (rank[a] as number) || (topoPosition[a] as number) - (topoPosition[b] as number));

  const plan = emptyCompactPlan(n);
  const slots: Slot[][] = [];
  // A worker is ready when its first placed task starts (invoke + cold start before it); nothing
  // may be inserted ahead of that.
  const readyAt: number[] = [];
  const start = new Float64Array(n);
  const finish = new Float64Array(n);
  const firstUseMs = costs.invokeApiMs + (costs.coldStartMs[tier] as number);
  // Re-planning: new workers start on held workers or warm environments while any are left (../hand-over.ts).
  const fleet = costs.heldWorkers || costs.warmEnvironments ? new TierStarts(costs, tier) : undefined;
  for (const task of byRank) {
    // A finished task is placed too (its worker is dropped unless its readers run there) and,
    // like them, reads nothing: its new worker would be a held one.
    const newStart = fleet?.peek(costs, task);
    const newWorkerMs = newStart === undefined ? firstUseMs : TierStarts.delayMs(costs, tier, newStart);
    const ms = exec[task] as number;
    const workerCount = Math.min(slots.length + 1, maxWorkers); // one unused worker stands for all of them
    let bestWorker = -1;
    let bestStart = Infinity;
    for (let worker = 0; worker < workerCount; worker += 1) {
      let dataReady = 0;
      for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
        const parent = parentValues[k] as number;
        // Already ran (re-planning): stored from the start, fetched wherever it was placed.
        // A remote parent costs its upload and the fetch of the outputs this task references.
        if (costs.stored?.[parent] === 1) dataReady = Math.max(dataReady, edgeDownloadMs[k] as number);
        else dataReady = Math.max(dataReady, (finish[parent] as number) + (plan.workerOf[parent] === worker ? 0 : (uploadMs[parent] as number) + (edgeDownloadMs[k] as number)));
      }
      const busy = slots[worker];
      const earliest = busy === undefined ? dataReady + newWorkerMs : earliestGap(busy, Math.max(dataReady, readyAt[worker] as number), ms);
      // Earliest finish = earliest start (same `ms` on every worker). The first worker is always
      // a candidate: with an infinite cost no comparison holds and no worker would be chosen.
      if (bestWorker < 0 || earliest < bestStart) {
        bestStart = earliest;
        bestWorker = worker;
      }
    }
    if (bestWorker === slots.length) {
      if (newStart !== undefined) fleet?.take(newStart);
      slots.push([]);
      readyAt.push(bestStart);
      plan.tierOf.push(tier);
    }
    insertSlot(slots[bestWorker] as Slot[], { start: bestStart, end: bestStart + ms });
    plan.workerOf[task] = bestWorker;
    start[task] = bestStart;
    finish[task] = bestStart + ms;
  }
  const rankPosition = new Int32Array(n);
  byRank.forEach((task, position) => (rankPosition[task] = position));
  // A finished task (re-planning) comes first: a held worker may start its readers before the
  // time HEFT gave the finished task's own (unused) worker.
  const startOf = (task: number): number => (costs.stored?.[task] === 1 ? -Infinity : (start[task] as number));
  const byStart = byRank.slice().sort((a, b) => startOf(a) - startOf(b) || (rankPosition[a] as number) - (rankPosition[b] as number));
  plan.order = new Float64Array(n);
  byStart.forEach((task, position) => ((plan.order as Float64Array)[task] = position));
  return optimize(costs, estimated(costs, plan));
}

/** The earliest start >= `ready` on a worker with these busy slots (sorted by start) that fits `ms`. */
function earliestGap(busy: readonly Slot[], ready: number, ms: number): number {
  let candidate = ready;
  for (const slot of busy) {
    if (candidate + ms <= slot.start) return candidate;
    candidate = Math.max(candidate, slot.end);
  }
  return candidate;
}

function insertSlot(busy: Slot[], slot: Slot): void {
  let i = busy.length;
  while (i > 0 && (busy[i - 1] as Slot).start > slot.start) i -= 1;
  busy.splice(i, 0, slot);
}

export const heftPlanner: PlanningAlgorithm = {
  name: 'heft',
  plan(dag: Dag, metadata: MetadataAccess, sla: Sla, context: PlanningContext): PlanOutput {
    const costs = predictTaskCosts(dag, metadata, sla, context.tiers, context.platform, context.replanning?.done, context.replanning);
    const { plan, estimate } = planHeftCompact(costs, bestTierIndex(costs), heftWorkerCount(costs, context.maxWorkers));
    return { ...toPlanOutput(costs, plan), predicted: { makespanMs: estimate.makespanMs, costUsd: estimate.costUsd, workers: estimate.workerCount } };
  },
};

/**
 * Worker counts worth list-scheduling with: the DAG's width, the width below its sources, and fewer
 * (a quarter of the width, 32, 4, 1) when moving data through one store server, or starting and
 * coordinating many workers for tiny tasks, makes wide plans slower than their compute suggests.
 * The width below the sources puts a source with its consumers: SVC (aws, paper size) on 40 workers
 * instead of 51, forecast 1.06 s against 1.19 s and simulated 1.04 s against 1.38 s, 20 % cheaper
 * (bench/heft-counts.ts).
 */
export function heftCandidateCounts(costs: TaskCosts, maxWorkers: number | undefined): number[] {
  const widest = heftWorkerCount(costs, maxWorkers);
  return [...new Set([widest, Math.min(widest, widestInnerLevel(costs)), Math.max(1, Math.ceil(widest / 4)), Math.min(widest, 32), Math.min(widest, 4), 1])];
}
