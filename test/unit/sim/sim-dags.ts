import type { DagSpec, TaskSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS, type WukongOptions } from '../../../src/model/wukong-options.js';
import { DETERMINISTIC_PROFILE, type CostProfile } from '../../../src/cost/profile.js';
import { simulate, type SimulationInput, type SimulationResult } from '../../../src/sim/simulator.js';
import { createDagTaskEstimator } from '../../../src/sim/task-estimates.js';

/** A synthetic.work task for simulator tests. */
export function work(id: string, ms: number, outputBytes: number, deps: string[] = []): TaskSpec {
  return { id, op: 'synthetic.work', args: { ms, outputBytes }, ...(deps.length > 0 ? { deps } : {}) };
}

/** No optimization, outputs stored only when read elsewhere (the hand-computed times count each put). */
export const NO_OPTIMIZATIONS: WukongOptions = { ...DEFAULT_WUKONG_OPTIONS, fanOutClustering: false, fanInClustering: false, delayedIo: false, alwaysStore: false };

/** Simulates `spec` with the deterministic profile at 1,769 MB (one full vCPU) on Redis. */
export function simulateSpec(
  spec: DagSpec,
  overrides: Partial<Omit<SimulationInput, 'dag' | 'estimator'>> & { profile?: CostProfile; outputShares?: (taskId: string) => readonly number[] | undefined } = {},
): SimulationResult {
  const dag = runDagFromSpec(spec);
  const profile = overrides.profile ?? DETERMINISTIC_PROFILE;
  const estimator = createDagTaskEstimator(dag, profile);
  const { outputShares, ...rest } = overrides;
  return simulateDag(dag, outputShares ? { ...estimator, outputShares } : estimator, { ...rest, profile });
}

/** simulateSpec's defaults for a compiled DAG whose task costs the caller gives (a slowed truth, say). */
export function simulateDag(dag: SimulationInput['dag'], estimator: SimulationInput['estimator'], overrides: Partial<Omit<SimulationInput, 'dag' | 'estimator'>> = {}): SimulationResult {
  return simulate({
    wukong: NO_OPTIMIZATIONS,
    seed: 1,
    memoryMb: 1769,
    storeKind: 'redis',
    validateEveryStep: true,
    profile: DETERMINISTIC_PROFILE,
    ...overrides,
    dag,
    estimator,
  });
}
