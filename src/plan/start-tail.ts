import { latencyPriorStatistic } from '../metadata/latency-prior.js';
import type { TaskCosts } from './task-costs.js';

/**
 * The slowest of `workers` cold starts minus the median (0 without the platform's spread): a plan
 * waits for the slowest of the workers it starts together. The median of the largest of k
 * independent draws is the 0.5^(1/k) quantile of one draw (P(max <= x) = F(x)^k = 1/2), which
 * for a prediction of the median makespan is the figure to use (k/(k+1), the expected rank, is
 * lower: 0.94 against 0.96 at k = 16). `probability` other than 1/2 gives that quantile of the
 * slowest instead (a park threshold allows for a slower one than the median).
 */
export function startTailMs(costs: TaskCosts, workers: number, probability = 0.5): number {
  const prior = costs.coldStartPrior;
  if (prior === undefined || workers <= 1) return 0;
  const percentile = 100 * probability ** (1 / workers);
  return latencyPriorStatistic(prior, { percentile }) - latencyPriorStatistic(prior, 'median');
}
