import type { Dag } from '../../dag/dag.js';
import type { MetadataAccess } from '../../metadata/metadata-access.js';
import type { Sla } from '../../metadata/sla.js';
import { cloneCompactPlan, toPlanOutput } from '../compact-plan.js';
import { criticalPathOf, type PlanEstimate } from '../plan-estimate.js';
import type { PlanningAlgorithm, PlanningContext, PlanOutput } from '../planning-algorithm.js';
import { bestTierIndex, predictTaskCosts, transfersOn, type TaskCosts } from '../task-costs.js';
import { estimated, fitsMemory, withParkThresholds, type EstimatedPlan } from './optimizations.js';
import { startSlackMs } from './slack.js';
import { planUniformBest } from './uniform.js';

/** Rounds of "downgrade by slack, verify with the estimator, take back the riskiest half". */
const MAX_VERIFY_ROUNDS = 8;
/** Rounds of recomputing slack after an accepted set of downgrades. */
const MAX_DOWNGRADE_PASSES = 3;
/**
 * Tasks the one-worker-at-a-time steps may estimate in all (each try is one O(V + E) estimate):
 * the ~100 workers of a 500-1,000-task plan (svd-square, svc at paper size) may each be tried on
 * every tier, while at 10,000 tasks the steps stop after 50 tries and at 100,000 after 5, so the
 * planner stays near its time target (bench/plan-100k.ts).
 */
const SINGLE_MOVE_TASK_BUDGET = 500_000;
/**
 * How much longer than uniform's a forecast may be and still count as "no longer": 0.01 %, far
 * below what the forecast can tell apart (plan-agreement's band is +-15 %). Without it a move that
 * only slows microseconds of compute is refused: TR on `aws` is one worker whose 2,047 tasks
 * compute 0.01 ms on 1,769 MB and 0.02 ms on 1,024 MB, and whose bill is its start-up; 1,024 MB is
 * forecast 0.009 ms longer (210.067 against 210.058 ms) and 41 % cheaper.
 */
const FORECAST_TOLERANCE = 1e-4;

interface Downgrade {
  readonly worker: number;
  readonly tier: number;
  /** Smallest slack left over among the worker's tasks: the lower, the riskier. */
  readonly marginMs: number;
}

/**
 * Thesis algorithm 2 ("nonuniform"): start from the uniform plan on the best tier (its critical
 * path is the fastest available), then choose each worker's tier so the plan is cheaper at no
 * longer predicted makespan:
 * 1. move workers off the critical path to cheaper tiers as far as their slack allows (the slower
 *    compute and the slower link of a smaller tier must fit it), all at once; when the estimator
 *    says the makespan or the cost would grow, take back the riskiest half;
 * 2. try each remaining worker alone on each lower tier, cheapest first, keeping a move the
 *    estimator confirms (the slack pass is approximate where waits overlap);
 * 3. move critical-path workers up a tier when that shortens the makespan at no higher cost.
 * Every move keeps each worker's predicted peak memory within its tier. The comparison is with
 * uniform's plan as the shared estimator predicts it with its park thresholds, the figure planDag
 * reports for `uniform`; when no move pays, the plan is uniform's. So the plan never predicts a
 * longer makespan (beyond FORECAST_TOLERANCE, 0.01 %) nor a higher cost than uniform's;
 * `predicted.savingUsd` says how much cheaper.
 */
export function planNonuniformCompact(costs: TaskCosts, maxWorkers?: number): { result: EstimatedPlan; uniform: EstimatedPlan } {
  // optimize() set uniform's park thresholds from an estimate made before them: estimate it anew,
  // or the limit below would be a makespan the plan no longer has (svc at paper size: 3.1 s
  // against 1.6 s, and 1.35x slower simulated).
  const uniform = estimated(costs, planUniformBest(costs, bestTierIndex(costs), maxWorkers).plan);
  // No longer makespan, nor a longer schedule under the store server's bound: where the bound
  // decides the makespan (GEMM at paper size, 125 workers through one Redis node) it hides slower
  // workers, yet they stretch the run (simulated: 1.16x on 1,024 MB workers).
  const limit: Limit = { makespanMs: uniform.estimate.makespanMs * (1 + FORECAST_TOLERANCE), scheduleMs: uniform.estimate.scheduleMs * (1 + FORECAST_TOLERANCE) };
  const budget = { tries: Math.max(1, Math.floor(SINGLE_MOVE_TASK_BUDGET / Math.max(1, costs.graph.taskCount))) };
  let current = downgradeBySlack(costs, uniform, limit);
  current = downgradeOneByOne(costs, current, limit, budget);
  current = upgradeCriticalPath(costs, current, budget);
  if (current === uniform) return { result: uniform, uniform };
  // The moves change the predicted waits: park thresholds from the final estimate, kept when the
  // plan with them still predicts no worse.
  const retuned = estimated(costs, withParkThresholds(costs, current).plan);
  if (within(retuned.estimate, limit) && retuned.estimate.costUsd <= current.estimate.costUsd) current = retuned;
  return { result: current, uniform };
}

/** Uniform's predicted makespan and schedule (PlanEstimate.scheduleMs): a move may lengthen neither. */
interface Limit {
  readonly makespanMs: number;
  readonly scheduleMs: number;
}

function within(estimate: PlanEstimate, limit: Limit): boolean {
  return estimate.makespanMs <= limit.makespanMs && estimate.scheduleMs <= limit.scheduleMs;
}

/** Whether `candidate` may replace `current`: cheaper, no slower than the limit, and every worker fits its tier. */
function improves(costs: TaskCosts, candidate: EstimatedPlan, current: EstimatedPlan, limit: Limit): boolean {
  return within(candidate.estimate, limit) && candidate.estimate.costUsd < current.estimate.costUsd && fitsMemory(costs, candidate);
}

/** Step 1: the downgrades the slack allows, verified with the estimator, riskiest half taken back until they pass. */
function downgradeBySlack(costs: TaskCosts, start: EstimatedPlan, limit: Limit): EstimatedPlan {
  let current = start;
  for (let pass = 0; pass < MAX_DOWNGRADE_PASSES; pass += 1) {
    let downgrades = proposeDowngrades(costs, current);
    if (downgrades.length === 0) break;
    let accepted: EstimatedPlan | undefined;
    for (let round = 0; round < MAX_VERIFY_ROUNDS && downgrades.length > 0; round += 1) {
      const plan = cloneCompactPlan(current.plan);
      for (const { worker, tier } of downgrades) plan.tierOf[worker] = tier;
      const candidate = estimated(costs, plan);
      if (improves(costs, candidate, current, limit)) {
        accepted = candidate;
        break;
      }
      downgrades = downgrades.slice(0, Math.floor(downgrades.length / 2)); // sorted safest first
    }
    if (!accepted) break;
    current = accepted;
  }
  return current;
}

/**
 * Step 2: each worker alone, the one billed most first (the most to save), on each lower tier from
 * the cheapest up; the first move the estimator accepts is kept. Stops when the budget is spent.
 */
function downgradeOneByOne(costs: TaskCosts, start: EstimatedPlan, limit: Limit, budget: { tries: number }): EstimatedPlan {
  let current = start;
  const billedMs = (worker: number) => (current.estimate.workerEndMs[worker] as number) - (current.estimate.workerBeginMs[worker] as number);
  const workers = start.plan.tierOf.map((_, worker) => worker).filter((worker) => (start.plan.tierOf[worker] as number) > 0 && (start.estimate.firstTaskOf[worker] as number) !== -1);
  workers.sort((a, b) => billedMs(b) * (costs.tiers[start.plan.tierOf[b] as number] as number) - billedMs(a) * (costs.tiers[start.plan.tierOf[a] as number] as number));
  for (const worker of workers) {
    for (let tier = 0; tier < (current.plan.tierOf[worker] as number) && budget.tries > 0; tier += 1) {
      budget.tries -= 1;
      const plan = cloneCompactPlan(current.plan);
      plan.tierOf[worker] = tier;
      const candidate = estimated(costs, plan);
      if (improves(costs, candidate, current, limit)) {
        current = candidate;
        break;
      }
    }
    if (budget.tries <= 0) break;
  }
  return current;
}

/**
 * Step 3: a worker on the critical path moves up a tier (more vCPU share and bandwidth) when that
 * shortens the predicted makespan at no higher predicted cost; repeated while it does.
 */
function upgradeCriticalPath(costs: TaskCosts, start: EstimatedPlan, budget: { tries: number }): EstimatedPlan {
  let current = start;
  const tried = new Set<string>();
  for (let improved = true; improved && budget.tries > 0; ) {
    improved = false;
    const workers = new Set(criticalPathOf(current.estimate).map((task) => current.plan.workerOf[task] as number));
    for (const worker of workers) {
      const tier = current.plan.tierOf[worker] as number;
      const key = `${worker}:${tier}`;
      if (tier + 1 >= costs.tiers.length || tried.has(key) || budget.tries <= 0) continue;
      tried.add(key);
      budget.tries -= 1;
      const plan = cloneCompactPlan(current.plan);
      plan.tierOf[worker] = tier + 1;
      const candidate = estimated(costs, plan);
      if (candidate.estimate.makespanMs < current.estimate.makespanMs && candidate.estimate.costUsd <= current.estimate.costUsd && fitsMemory(costs, candidate)) {
        current = candidate;
        improved = true;
        break; // the critical path may have moved
      }
    }
  }
  return current;
}

/**
 * For each worker, the cheapest lower tier whose extra compute and transfer time (plus any extra
 * cold start) fits the slack of each of its tasks, accumulated in run order, and that lowers its
 * billed GB-s.
 */
function proposeDowngrades(costs: TaskCosts, current: EstimatedPlan): Downgrade[] {
  const { plan, estimate } = current;
  const { parentOffsets, parentValues } = costs.graph;
  const slack = startSlackMs(costs, plan, estimate);
  const tasksOf: number[][] = plan.tierOf.map(() => []);
  for (const task of estimate.runOrder) (tasksOf[plan.workerOf[task] as number] as number[]).push(task);
  // A task's extra time on `tier` against `from`: compute, its remote fetches and its upload.
  const extraMs = (task: number, worker: number, tier: number, from: number): number => {
    const slow = transfersOn(costs, tier);
    const fast = transfersOn(costs, from);
    let ms = ((costs.execMs[tier] as Float64Array)[task] as number) - ((costs.execMs[from] as Float64Array)[task] as number);
    for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
      if (plan.workerOf[parentValues[k] as number] !== worker) ms += (slow.edgeDownloadMs[k] as number) - (fast.edgeDownloadMs[k] as number);
    }
    if ((estimate.availableMs[task] as number) > (estimate.finishMs[task] as number)) ms += (slow.uploadMs[task] as number) - (fast.uploadMs[task] as number);
    return ms;
  };
  const downgrades: Downgrade[] = [];
  plan.tierOf.forEach((currentTier, worker) => {
    const tasks = tasksOf[worker] as number[];
    if (tasks.length === 0) return;
    const durationMs = (estimate.workerEndMs[worker] as number) - (estimate.workerBeginMs[worker] as number);
    const currentGbMs = durationMs * (costs.tiers[currentTier] as number);
    for (let tier = 0; tier < currentTier; tier += 1) {
      let delayMs = Math.max(0, (costs.coldStartMs[tier] as number) - (costs.coldStartMs[currentTier] as number));
      let marginMs = Infinity;
      for (const task of tasks) {
        delayMs += extraMs(task, worker, tier, currentTier);
        marginMs = Math.min(marginMs, (slack[task] as number) - delayMs);
        if (marginMs < 0) break;
      }
      if (marginMs < 0) continue;
      if ((durationMs + delayMs) * (costs.tiers[tier] as number) >= currentGbMs) continue;
      downgrades.push({ worker, tier, marginMs });
      return; // the lowest tier that fits: tiers ascend
    }
  });
  return downgrades.sort((a, b) => b.marginMs - a.marginMs);
}

export const nonuniformPlanner: PlanningAlgorithm = {
  name: 'nonuniform',
  plan(dag: Dag, metadata: MetadataAccess, sla: Sla, context: PlanningContext): PlanOutput {
    const costs = predictTaskCosts(dag, metadata, sla, context.tiers, context.platform, context.replanning?.done, context.replanning);
    const { result, uniform } = planNonuniformCompact(costs, context.maxWorkers);
    return {
      ...toPlanOutput(costs, result.plan),
      predicted: {
        makespanMs: result.estimate.makespanMs,
        costUsd: result.estimate.costUsd,
        workers: result.estimate.workerCount,
        uniformMakespanMs: uniform.estimate.makespanMs,
        uniformCostUsd: uniform.estimate.costUsd,
        savingUsd: uniform.estimate.costUsd - result.estimate.costUsd,
      },
    };
  },
};
