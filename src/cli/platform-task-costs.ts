import type { CostProfile } from '../cost/profile.js';
import { cpuSlowdown } from '../cost/profile.js';
import type { MetadataAccess } from '../metadata/metadata-access.js';
import type { MetadataPredictor } from '../metadata/predictor.js';
import type { CostModelEstimator } from '../sim/cost-model-estimator.js';

/**
 * Compute times for planning a run on a known platform (issue 16). A planner planning for a cost
 * profile already takes transfers and start-ups from it (src/plan/task-costs.ts); its compute
 * times came from history alone, and without history of the task (its id or its exact task key)
 * from a power law over other sizes, a DAG hint or the 100 ms default. The platform runs an op at
 * its kernel rates, so a task without exact history is priced as the simulator prices it: its op's
 * cost declaration at the profile's kernel rates (src/sim/cost-model-estimator.ts), stretched by a
 * small tier's CPU share as the simulator stretches it. At paper sizes without history the
 * planners otherwise saw TSQR's 128 MiB QR blocks as 100 ms tasks.
 */
export function withPlatformComputeTimes(predictor: MetadataPredictor, estimator: CostModelEstimator, profile: CostProfile): MetadataAccess {
  return {
    predictExecutionTime(taskId, inputBytes, configs, sla) {
      const explained = predictor.explainExecutionTime(taskId, inputBytes, configs, sla);
      // Exact history of this task or task key wins: it is what the op really took.
      if (explained.source === 'task' || explained.source === 'taskKey') return explained.estimates;
      const priced = estimator.estimates.get(taskId);
      if (priced?.timeSource !== 'cost model') return explained.estimates;
      return configs.map((config) => ({ config, ms: priced.computeMs * cpuSlowdown(profile, config.memoryMb) + priced.waitMs }));
    },
    predictOutputSize: (taskId, inputBytes, sla) => predictor.predictOutputSize(taskId, inputBytes, sla),
    predictRemoteDownloadTime: (bytes, sla, store) => predictor.predictRemoteDownloadTime(bytes, sla, store),
    predictUploadTime: (bytes, sla, store) => predictor.predictUploadTime(bytes, sla, store),
    predictColdStartMs: (tierMb, sla) => predictor.predictColdStartMs(tierMb, sla),
    predictWarmStartMs: (tierMb, sla) => predictor.predictWarmStartMs(tierMb, sla),
  };
}
