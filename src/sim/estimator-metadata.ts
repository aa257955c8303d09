import type { ExecutionTimeEstimate, MetadataAccess } from '../metadata/metadata-access.js';
import type { WorkerConfig } from '../metadata/records.js';
import type { TaskEstimator } from './task-estimates.js';

/**
 * The simulator's own task costs as planner history: a planner given this predicts exactly the
 * compute times and output sizes the simulation will use (transfers and start-ups come from the
 * platform's profile, PlanningContext.platform, which the planners are given alongside). It is the
 * "predicted right" reference of the re-planning bench (bench/replan.ts); give it a slowed
 * estimator to predict a slowdown. Transfer and start-up answers are 0: without a platform a planner would
 * take transfers as free.
 */
export function estimatorMetadata(estimator: TaskEstimator): MetadataAccess {
  return {
    predictExecutionTime<C extends WorkerConfig>(taskId: string, _inputBytes: number | undefined, configs: readonly C[]): ExecutionTimeEstimate<C>[] {
      return configs.map((config) => ({ config, ms: estimator.execMs(taskId, config.memoryMb) }));
    },
    predictOutputSize: (taskId) => estimator.outputBytes(taskId),
    predictRemoteDownloadTime: () => 0,
    predictUploadTime: () => 0,
    predictColdStartMs: () => 0,
    predictWarmStartMs: () => 0,
  };
}

/**
 * Tasks that run `factor(taskId)` times as long as `estimator` says (e.g. 3 for every task): how
 * `wukong simulate --slowdown` injects a misprediction, since planners predict from history or
 * the unscaled estimator.
 */
export function slowedEstimator(estimator: TaskEstimator, factor: (taskId: string) => number): TaskEstimator {
  return {
    execMs: (taskId, memoryMb) => estimator.execMs(taskId, memoryMb) * factor(taskId),
    outputBytes: (taskId) => estimator.outputBytes(taskId),
    ...(estimator.outputShares ? { outputShares: (taskId: string) => estimator.outputShares?.(taskId) } : {}),
    ...(estimator.usesCpu ? { usesCpu: (taskId: string) => estimator.usesCpu?.(taskId) ?? true } : {}),
    ...(estimator.sourceBytes ? { sourceBytes: (taskId: string) => estimator.sourceBytes?.(taskId) } : {}),
  };
}
