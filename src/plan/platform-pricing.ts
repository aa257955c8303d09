import type { MetadataAccess } from '../metadata/metadata-access.js';

/**
 * How the platform a plan will run on prices each task (issue 15 item 7): the simulator's task
 * costs (op cost models at the profile's kernel rates, or recorded history of the same task key
 * when `--history` is given). A plan priced from anything else (the planner's own history of
 * other sizes, say) predicts one makespan while the simulator shows another; with this, the two
 * price every task from one source and differ only in what the estimator leaves out.
 * src/sim's CostModelEstimator satisfies it.
 */
export interface PlatformTaskPricing {
  /** Run time of `taskId` on a function of `memoryMb` (CPU share of the tier applied). */
  execMs(taskId: string, memoryMb: number): number;
  /** Total bytes of the task's outputs. */
  outputBytes(taskId: string): number;
  /** Each output's share of outputBytes, when the op declares its output shapes (a consumer of `t#1` moves only output 1). */
  outputShares?(taskId: string): readonly number[] | undefined;
  /** Where the prices came from, for every command's output. */
  readonly description: string;
}

/**
 * `metadata` with task run times and output sizes answered by `pricing` (transfers and start-ups
 * are the TargetPlatform profile's already, see ./task-costs.ts). Custom planners that ask the
 * MetadataAccess directly get the same answers as the built-ins.
 */
export function pricedByPlatform(metadata: MetadataAccess, pricing: PlatformTaskPricing): MetadataAccess {
  return {
    predictExecutionTime: (taskId, _inputBytes, configs) => configs.map((config) => ({ config, ms: pricing.execMs(taskId, config.memoryMb) })),
    predictOutputSize: (taskId) => pricing.outputBytes(taskId),
    predictRemoteDownloadTime: (bytes, sla, store) => metadata.predictRemoteDownloadTime(bytes, sla, store),
    predictUploadTime: (bytes, sla, store) => metadata.predictUploadTime(bytes, sla, store),
    predictColdStartMs: (tierMb, sla) => metadata.predictColdStartMs(tierMb, sla),
    predictWarmStartMs: (tierMb, sla) => metadata.predictWarmStartMs(tierMb, sla),
  };
}
