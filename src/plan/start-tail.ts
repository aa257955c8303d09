import { latencyPriorStatistic } from '../metadata/latency-prior.js';
import type { TaskCosts } from './task-costs.js';

/**
 * Expected slowest of `workers` cold starts minus the median (0 without the platform's spread):
 * the estimator gives every worker the median cold start, but a plan waits for the slowest of its
 * workers, about the k/(k+1) quantile of the platform's cold start with k of them.
 */
export function startTailMs(costs: TaskCosts, workers: number): number {
  const prior = costs.coldStartPrior;
  if (prior === undefined || workers <= 1) return 0;
  const percentile = (100 * workers) / (workers + 1);
  return latencyPriorStatistic(prior, { percentile }) - latencyPriorStatistic(prior, 'median');
}

