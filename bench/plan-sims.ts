/**
 * What the planner benches share (tier-savings, heft-counts, start-prewarm): the simulator's own
 * pricing handed to the planners, and a plan simulated over seeds 1..N with the medians taken.
 * A helper module, not a bench (bench/smoke.json lists it as null).
 */
import { builtinProfile, type CostProfile } from '../src/cost/profile.js';
import type { Plan } from '../src/model/annotated-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../src/model/wukong-options.js';
import type { TargetPlatform } from '../src/plan/task-costs.js';
import type { CostModelEstimator } from '../src/sim/cost-model-estimator.js';
import { simulate } from '../src/sim/simulator.js';
import type { SimulationInput } from '../src/sim/simulation-types.js';
import type { RunReport } from '../src/report/run-report.js';
import type { PlannedSimulationResult } from '../src/sim/planned-run-stats.js';
import { Dag } from '../src/dag/dag.js';
import { runDagFromSpec, type CompiledRunDag } from '../src/model/compiled-dag.js';
import { createCostModelEstimator } from '../src/sim/cost-model-estimator.js';
import { buildOpRegistry } from '../src/ops/user-ops.js';
import { benchCases, parseBenchSize, parseBenchWorkloads } from '../src/cli/bench-cases.js';
import { generateValidDag } from '../workloads/replay-runner.js';

/**
 * The simulator's own pricing, output shares included, as `wukong bench` and bench/plan-agreement
 * give the planners: without `tasks` a planner prices a consumer of tsqr's small R (`t#1`) as
 * moving the whole Q and R (forecast 35 s against 17.6 s simulated).
 */
export function simulatorPlatform(profile: CostProfile, estimator: CostModelEstimator): TargetPlatform {
  return {
    profile,
    store: 'redis',
    tasks: { execMs: (id, mb) => estimator.execMs(id, mb), outputBytes: (id) => estimator.outputBytes(id), outputShares: (id) => estimator.outputShares?.(id), description: estimator.description },
  };
}

/** The upper median (the middle value; of two, the larger). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
}

export interface SeededRuns {
  readonly makespanMs: number;
  readonly costUsd: number;
  readonly reports: readonly RunReport[];
}

/** `plan` simulated with one seed (WUKONG defaults, 3,008 MB, Redis, as `wukong bench`); a failed run throws. */
export function simulatePlanSeed(input: Pick<SimulationInput, 'dag' | 'profile' | 'estimator'>, plan: Plan, seed: number, label: string): PlannedSimulationResult {
  const result = simulate({ ...input, wukong: DEFAULT_WUKONG_OPTIONS, seed, memoryMb: 3008, storeKind: 'redis', plan }) as PlannedSimulationResult;
  if (!result.report.ok) throw new Error(`${label} seed ${seed} failed: ${result.report.failure?.message}`);
  return result;
}

/** `plan` simulated with seeds 1..`seeds` (as simulatePlanSeed); medians. */
export function simulatePlanSeeds(input: Pick<SimulationInput, 'dag' | 'profile' | 'estimator'>, plan: Plan, seeds: number, label: string): SeededRuns {
  const reports: RunReport[] = [];
  for (let seed = 1; seed <= seeds; seed += 1) reports.push(simulatePlanSeed(input, plan, seed, label).report);
  return { makespanMs: median(reports.map((r) => r.makespanMs)), costUsd: median(reports.map((r) => r.summary.costUsd)), reports };
}

/** The built-in profile a bench's --profile names; an unknown name throws. */
export function benchProfile(name: string): CostProfile {
  const profile = builtinProfile(name);
  if (!profile) throw new Error(`--profile: no built-in profile "${name}"`);
  return profile;
}

export interface SimulatedCase {
  readonly label: string;
  readonly model: Dag;
  readonly dag: CompiledRunDag;
  readonly estimator: CostModelEstimator;
  readonly platform: TargetPlatform;
}

/** The `wukong bench` cases of `--workloads` at `--size`, each with its DAG and the profile's task costs. */
export function* simulatedCases(workloads: string, size: string, profile: CostProfile): Generator<SimulatedCase> {
  for (const c of benchCases(parseBenchWorkloads(workloads), parseBenchSize(size, 'sim', '--size'))) {
    const spec = generateValidDag(c.workload, c.params);
    const model = Dag.fromSpec(spec);
    const estimator = createCostModelEstimator(model, buildOpRegistry(), profile);
    yield { label: c.label, model, dag: runDagFromSpec(spec), estimator, platform: simulatorPlatform(profile, estimator) };
  }
}
