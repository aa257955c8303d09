import type { Dag } from '../../dag/dag.js';
import type { MetadataAccess } from '../../metadata/metadata-access.js';
import type { Sla } from '../../metadata/sla.js';
import { cloneCompactPlan, toPlanOutput } from '../compact-plan.js';
import type { PlanningAlgorithm, PlanningContext, PlanOutput } from '../planning-algorithm.js';
import { bestTierIndex, predictTaskCosts, type TaskCosts } from '../task-costs.js';
import { estimated, fitsMemory, withParkThresholds, type EstimatedPlan } from './optimizations.js';
import { startSlackMs } from './slack.js';
import { planUniformBest } from './uniform.js';

/** Rounds of "downgrade by slack, verify with the estimator, take back the riskiest half". */
const MAX_VERIFY_ROUNDS = 8;
/** Rounds of recomputing slack after an accepted set of downgrades. */
const MAX_DOWNGRADE_PASSES = 3;

interface Downgrade {
  readonly worker: number;
  readonly tier: number;
  /** Smallest slack left over among the worker's tasks: the lower, the riskier. */
  readonly marginMs: number;
}

/**
 * Thesis algorithm 2 ("nonuniform"): start from the uniform plan on the best tier (its critical
 * path is the fastest available), then move workers off the critical path to cheaper tiers as far
 * as their slack allows, so no new critical path appears. Each set of downgrades is checked with
 * the shared estimator; when the makespan or the cost would grow, the riskiest half is taken back.
 * So by construction the plan never predicts a longer makespan nor a higher cost than uniform's;
 * `predicted.savingUsd` says how much cheaper it is.
 */
export function planNonuniformCompact(costs: TaskCosts, maxWorkers?: number): { result: EstimatedPlan; uniform: EstimatedPlan } {
  const uniform = planUniformBest(costs, bestTierIndex(costs), maxWorkers);
  let current = uniform;
  for (let pass = 0; pass < MAX_DOWNGRADE_PASSES; pass += 1) {
    let downgrades = proposeDowngrades(costs, current);
    if (downgrades.length === 0) break;
    let accepted: EstimatedPlan | undefined;
    for (let round = 0; round < MAX_VERIFY_ROUNDS && downgrades.length > 0; round += 1) {
      const plan = cloneCompactPlan(current.plan);
      for (const { worker, tier } of downgrades) plan.tierOf[worker] = tier;
      const candidate = estimated(costs, plan);
      // A downgrade must also leave each worker room for what it holds (../park-threshold.ts).
      if (candidate.estimate.makespanMs <= uniform.estimate.makespanMs + 1e-6 && candidate.estimate.costUsd < current.estimate.costUsd && fitsMemory(costs, candidate)) {
        accepted = candidate;
        break;
      }
      downgrades = downgrades.slice(0, Math.floor(downgrades.length / 2)); // sorted safest first
    }
    if (!accepted) break;
    current = accepted;
  }
  // Downgrades change the predicted waits: park thresholds from the final estimate.
  return { result: current === uniform ? current : withParkThresholds(costs, current), uniform };
}

/**
 * For each worker, the cheapest lower tier whose extra compute (plus any extra cold start) fits
 * the slack of each of its tasks, accumulated in run order, and that lowers its billed GB-s.
 */
function proposeDowngrades(costs: TaskCosts, current: EstimatedPlan): Downgrade[] {
  const { plan, estimate } = current;
  const slack = startSlackMs(costs, plan, estimate);
  const tasksOf: number[][] = plan.tierOf.map(() => []);
  for (const task of estimate.runOrder) (tasksOf[plan.workerOf[task] as number] as number[]).push(task);
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
        delayMs += ((costs.execMs[tier] as Float64Array)[task] as number) - ((costs.execMs[currentTier] as Float64Array)[task] as number);
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
