import { latencyPriorStatistic } from '../metadata/latency-prior.js';
import type { TaskCosts } from './task-costs.js';

/**
 * The slowest of `workers` cold starts minus the median (0 without the platform's spread): a plan
 * waits for the slowest of the workers it starts together. The median of the largest of k
 * independent draws is the 0.5^(1/k) quantile of one draw (P(max <= x) = F(x)^k = 1/2), which
 * for a prediction of the median makespan is the figure to use (k/(k+1), the expected rank, is
 * lower: 0.94 against 0.96 at k = 16). `probability` other than 1/2 gives that quantile of the
 * slowest instead (a park threshold allows for a slower one than the median). `hedged`: each of
 * the k starts is the faster of two invocations (Plan.hedgeStarts); negative for a lone one.
 */
export function startTailMs(costs: TaskCosts, workers: number, probability = 0.5, hedged = false): number {
  const prior = costs.coldStartPrior;
  if (prior === undefined || (workers <= 1 && !hedged)) return 0;
  const k = Math.max(1, workers);
  // Hedged (two invocations, the first to start wins): one worker's start is the faster of two
  // draws, P(min <= x) = 1 - (1 - F(x))^2, so the quantile q of the min is F's 1 - sqrt(1 - q),
  // and its slowest of k is taken as for lone starts, at the median of the maximum.
  const slowest = probability ** (1 / k);
  const percentile = 100 * (hedged ? 1 - Math.sqrt(1 - slowest) : slowest);
  return latencyPriorStatistic(prior, { percentile }) - latencyPriorStatistic(prior, 'median');
}

/** Whether hedged starts pay on this platform: its cold starts vary, so a wide start waits for a slow one. */
export function hedgesStarts(costs: TaskCosts): boolean {
  return startTailMs(costs, 2) > 0;
}

/** Whether `plan` hedges its starts: its own choice (Plan.hedgeStarts), else the platform's (hedgesStarts). */
export function plansHedgedStarts(costs: TaskCosts, plan: { readonly hedgeStarts?: boolean | undefined }): boolean {
  return plan.hedgeStarts ?? hedgesStarts(costs);
}

/**
 * How much sooner a hedged start's first handler begins than one Invoke call's median: each copy
 * makes its own call, and the worker begins with the faster (the median of the faster of two
 * draws is one draw's 1 - sqrt(1/2) quantile). 0 without the platform's spread.
 */
export function hedgedInvokeSavingMs(costs: TaskCosts): number {
  const prior = costs.invokeApiPrior;
  if (prior === undefined) return 0;
  return Math.max(0, latencyPriorStatistic(prior, 'median') - latencyPriorStatistic(prior, { percentile: 100 * (1 - Math.SQRT1_2) }));
}
