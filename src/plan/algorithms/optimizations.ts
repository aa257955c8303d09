import { cloneCompactPlan, type CompactPlan } from '../compact-plan.js';
import { criticalPathOf, estimatePlan, inputsAllOn, type PlanEstimate } from '../plan-estimate.js';
import { transfersOn, type TaskCosts } from '../task-costs.js';
import { DEFAULT_PARK_AFTER_MS } from '../../model/run-spec.js';
import { parkThresholds, smallestTierHolding, workerMemory, workersOverMemory } from '../park-threshold.js';

/** Rounds of "pre-load the critical path, recompute it" before giving up on further shrinking. */
const MAX_PRELOAD_ROUNDS = 12;

/** A plan with its estimate, so optimizations can compare before and after. */
export interface EstimatedPlan {
  readonly plan: CompactPlan;
  readonly estimate: PlanEstimate;
}

export function estimated(costs: TaskCosts, plan: CompactPlan): EstimatedPlan {
  return { plan, estimate: estimatePlan(costs, plan) };
}

/**
 * Thesis algorithm 1, last step: pre-load the remote inputs of the critical path's tasks, recompute
 * the critical path (it may move), and repeat while the predicted makespan shrinks.
 */
export function preloadCriticalPath(costs: TaskCosts, current: EstimatedPlan): EstimatedPlan {
  let best = current;
  for (let round = 0; round < MAX_PRELOAD_ROUNDS; round += 1) {
    const plan = cloneCompactPlan(best.plan);
    let changed = false;
    for (const task of criticalPathOf(best.estimate)) {
      if (plan.preload[task] === 0 && hasRemoteInput(costs, plan, task)) {
        plan.preload[task] = 1;
        changed = true;
      }
    }
    if (!changed) break;
    const next = estimated(costs, plan);
    if (next.estimate.makespanMs >= best.estimate.makespanMs) break;
    best = next;
  }
  return best;
}

/**
 * Pre-warm every worker whose first task waited for the worker's cold start: the parent whose
 * output triggers the invocation pre-warms it when it starts, so the cold start overlaps that
 * parent's compute. Kept only when the predicted makespan shrinks (an early worker idles, at a cost).
 */
export function addPrewarm(costs: TaskCosts, current: EstimatedPlan): EstimatedPlan {
  const { estimate } = current;
  const plan = cloneCompactPlan(current.plan);
  const { parentOffsets, parentValues } = costs.graph;
  let changed = false;
  for (let worker = 0; worker < plan.tierOf.length; worker += 1) {
    const first = estimate.firstTaskOf[worker] as number;
    if (first === -1 || parentOffsets[first] === parentOffsets[first + 1]) continue; // sources start at once
    if ((estimate.workerReadyMs[worker] as number) <= (estimate.workerTriggerMs[worker] as number)) continue;
    let trigger = -1;
    for (let k = parentOffsets[first] as number; k < (parentOffsets[first + 1] as number); k += 1) {
      const parent = parentValues[k] as number;
      if (plan.workerOf[parent] === worker) continue;
      if (trigger === -1 || (estimate.availableMs[parent] as number) > (estimate.availableMs[trigger] as number)) trigger = parent;
    }
    if (trigger === -1) continue;
    const list = plan.prewarm.get(trigger) ?? [];
    if (!list.includes(worker)) list.push(worker);
    plan.prewarm.set(trigger, list);
    changed = true;
  }
  if (!changed) return current;
  const next = estimated(costs, plan);
  return next.estimate.makespanMs < current.estimate.makespanMs ? next : current;
}

/**
 * Pre-warm at the start (Plan.prewarmAtStart) the workers a producer invokes: the client's prewarm
 * Invoke calls after its start calls leave idle environments of their tiers, on which such workers
 * start warm (../start-prewarms.ts). Any idle environment of a tier serves any worker of it, so
 * three lists are tried, earliest invoked first: every producer-invoked worker, those forecast to
 * start cold, and those of them on the critical path; the fastest is kept if the predicted
 * makespan shrinks at no higher predicted cost (each prewarm is billed a cold start and a request).
 */
export function addStartPrewarms(costs: TaskCosts, current: EstimatedPlan): EstimatedPlan {
  const { estimate } = current;
  const { parentOffsets } = costs.graph;
  const already = new Set(current.plan.prewarmAtStart ?? []);
  const invoked: number[] = [];
  for (let worker = 0; worker < current.plan.tierOf.length; worker += 1) {
    const first = estimate.firstTaskOf[worker] as number;
    if (first === -1 || parentOffsets[first] === parentOffsets[first + 1] || already.has(worker)) continue; // the client starts sources
    invoked.push(worker);
  }
  if (invoked.length === 0) return current;
  invoked.sort((a, b) => (estimate.workerBeginMs[a] as number) - (estimate.workerBeginMs[b] as number));
  const cold = invoked.filter((worker) => (estimate.workerReadyMs[worker] as number) - (estimate.workerBeginMs[worker] as number) > (costs.warmStartMs[current.plan.tierOf[worker] as number] as number));
  const onPath = new Set(criticalPathOf(estimate).map((task) => current.plan.workerOf[task] as number));
  let best = current;
  for (const chosen of [invoked, cold, cold.filter((worker) => onPath.has(worker))]) {
    if (chosen.length === 0) continue;
    const plan = cloneCompactPlan(current.plan);
    plan.prewarmAtStart = [...(plan.prewarmAtStart ?? []), ...chosen];
    const next = estimated(costs, plan);
    if (next.estimate.makespanMs < best.estimate.makespanMs && next.estimate.costUsd <= current.estimate.costUsd) best = next;
  }
  return best;
}

/**
 * Mark `dup` on a producer when some consumer on another worker holds all the producer's inputs
 * and re-running it there (on the consumer's tier) is quicker than its upload plus download.
 * Kept only when the predicted makespan does not grow.
 */
export function addDup(costs: TaskCosts, current: EstimatedPlan): EstimatedPlan {
  const plan = cloneCompactPlan(current.plan);
  const { childOffsets, childValues, taskCount } = costs.graph;
  let changed = false;
  for (let producer = 0; producer < taskCount; producer += 1) {
    if (plan.dup[producer] === 1) continue;
    const uploadMs = transfersOn(costs, plan.tierOf[plan.workerOf[producer] as number] as number).uploadMs[producer] as number;
    for (let k = childOffsets[producer] as number; k < (childOffsets[producer + 1] as number); k += 1) {
      const consumerWorker = plan.workerOf[childValues[k] as number] as number;
      if (consumerWorker === plan.workerOf[producer]) continue;
      const consumerTier = plan.tierOf[consumerWorker] as number;
      const transferMs = uploadMs + (transfersOn(costs, consumerTier).downloadMs[producer] as number);
      const recomputeMs = (costs.execMs[consumerTier] as Float64Array)[producer] as number;
      if (recomputeMs < transferMs && inputsAllOn(costs, plan, producer, consumerWorker)) {
        plan.dup[producer] = 1;
        changed = true;
        break;
      }
    }
  }
  if (!changed) return current;
  const next = estimated(costs, plan);
  return next.estimate.makespanMs <= current.estimate.makespanMs ? next : current;
}

/**
 * The optimizations every built-in applies after assigning workers: preload, prewarm, dup, a park
 * threshold per task from the final estimate (../park-threshold.ts), then start-up prewarms.
 */
export function optimize(costs: TaskCosts, assigned: EstimatedPlan): EstimatedPlan {
  return withStartPrewarms(costs, addDup(costs, addPrewarm(costs, preloadCriticalPath(costs, fitMemory(costs, assigned)))));
}

/**
 * Park thresholds, then start-up prewarms (addStartPrewarms) where the plan with its thresholds is
 * forecast shorter with them at no higher cost; the thresholds are set again for the prewarmed
 * plan's waits when that forecast is still as good. Decided on the plan with its thresholds: before
 * them, a worker that waits past the default threshold parks, and the parks hide what warm starts
 * save (svd-square under uniform at paper size, aws: a candidate forecast 25.5 s before its
 * thresholds with or without them; the chosen plan, with its thresholds, 3.47 s against 2.59 s
 * with all 58 producer-invoked workers prewarmed). The estimate returned is, as withParkThresholds's, the one made before
 * the thresholds (of the prewarmed plan, if prewarmed), so that bestPlan compares its candidates
 * as it did without prewarms.
 */
export function withStartPrewarms(costs: TaskCosts, current: EstimatedPlan): EstimatedPlan {
  const thresholded = withParkThresholds(costs, current);
  // A re-plan of a running run (workers held for it, or idle environments): its client makes no
  // start calls, and src/plan/replan.ts drops the list.
  if (costs.heldWorkers !== undefined || costs.warmEnvironments !== undefined) return thresholded;
  const before = estimated(costs, thresholded.plan);
  const prewarmed = addStartPrewarms(costs, before);
  if (prewarmed === before) return thresholded;
  const again = estimated(costs, withParkThresholds(costs, prewarmed).plan);
  const better = (next: EstimatedPlan) => next.estimate.makespanMs < before.estimate.makespanMs && next.estimate.costUsd <= before.estimate.costUsd;
  const chosen = better(again) ? again.plan : prewarmed.plan;
  const unthresholded = cloneCompactPlan(chosen);
  unthresholded.parkAfterMs = current.plan.parkAfterMs?.slice();
  return { plan: chosen, estimate: estimatePlan(costs, unthresholded) };
}

/**
 * Moves each worker whose predicted peak holding (outputs kept for its later tasks, plus a task's
 * inputs and output) exceeds its tier up to the smallest tier that holds it; a plan that still
 * does not fit is left as it is (planDag rejects it; bestPlan prefers candidates that fit).
 */
export function fitMemory(costs: TaskCosts, current: EstimatedPlan): EstimatedPlan {
  const memory = workerMemory(costs, current.plan, current.estimate);
  const over = workersOverMemory(costs, current.plan, memory);
  if (over.length === 0) return current;
  const plan = cloneCompactPlan(current.plan);
  let changed = false;
  for (const { worker } of over) {
    const tier = smallestTierHolding(costs, memory.peakBytes[worker] as number);
    if (tier !== -1 && tier > (plan.tierOf[worker] as number)) {
      plan.tierOf[worker] = tier;
      changed = true;
    }
  }
  return changed ? estimated(costs, plan) : current;
}

/** Whether every worker's predicted peak fits its tier. */
export function fitsMemory(costs: TaskCosts, current: EstimatedPlan): boolean {
  return workersOverMemory(costs, current.plan, workerMemory(costs, current.plan, current.estimate)).length === 0;
}

/** Sets each task's park threshold from the plan's predicted waits (the estimate does not change). */
export function withParkThresholds(costs: TaskCosts, current: EstimatedPlan): EstimatedPlan {
  const plan = cloneCompactPlan(current.plan);
  plan.parkAfterMs = parkThresholds(costs, plan, current.estimate, DEFAULT_PARK_AFTER_MS);
  return { plan, estimate: current.estimate };
}

function hasRemoteInput(costs: TaskCosts, plan: CompactPlan, task: number): boolean {
  const { parentOffsets, parentValues } = costs.graph;
  for (let k = parentOffsets[task] as number; k < (parentOffsets[task + 1] as number); k += 1) {
    if (plan.workerOf[parentValues[k] as number] !== plan.workerOf[task]) return true;
  }
  return false;
}

/**
 * Among the candidates whose workers fit their tiers (all, if none does), the one with the lowest
 * predicted makespan; within 0.5 % of it, the cheapest. The estimate includes the start-up tail
 * of workers started together (../plan-estimate.ts): between plans of 1 and 1,000 workers on tiny
 * tasks that tail decides (tree reduction at paper size: 0.3 s predicted for 121 workers with
 * median cold starts, 1.8 s simulated; 0.7 s for one).
 */
export function bestPlan(costs: TaskCosts, all: readonly EstimatedPlan[]): EstimatedPlan {
  const fitting = all.filter((c) => fitsMemory(costs, c));
  const candidates = fitting.length > 0 ? fitting : all;
  const fastest = Math.min(...candidates.map((c) => c.estimate.makespanMs));
  const near = candidates.filter((c) => c.estimate.makespanMs <= fastest * 1.005);
  return near.reduce((best, c) => (c.estimate.costUsd < best.estimate.costUsd ? c : best));
}
