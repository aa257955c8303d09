import { BadInputError } from '../model/errors.js';
import { runDagFromSpec } from '../model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS, type WukongOptions } from '../model/wukong-options.js';
import { BUILTIN_PROFILES, type CostProfile, type StoreKind } from '../cost/profile.js';
import { simulate as simulateRun, type SimulationResult } from '../sim/simulator.js';
import { createCostModelEstimator } from '../sim/cost-model-estimator.js';
import { pricedTableDag } from '../ops/table/table-dag.js';
import { loadOps, type OpsOption } from './load-ops.js';
import { validDagOrAnnotated } from './validate.js';

export interface SimulateOptions extends OpsOption {
  /** A built-in profile's name (aws, deterministic, ...) or a CostProfile (default aws). */
  readonly profile?: string | CostProfile;
  readonly seed?: number;
  /** The executor function's memory (WUKONG mode; default 3008). */
  readonly memoryMb?: number;
  readonly store?: StoreKind;
  readonly wukong?: Partial<WukongOptions>;
  /**
   * Table ops: price the DAG with projections and filters pushed into the reads, as a run does
   * (default true); false prices it as written. Table sources are read for their shapes.
   */
  readonly pushdown?: boolean;
}

/**
 * Runs a DAG (or an annotated DAG from `plan`) in virtual time on simulated Lambdas: the real
 * scheduler core at the profile's costs. Task costs come from the ops' cost declarations at the
 * profile's kernel rates, then DAG hints, then defaults (never from recorded history).
 */
export async function simulate(dag: unknown, options: SimulateOptions = {}): Promise<SimulationResult> {
  const { registry } = await loadOps(options);
  const { spec, model, plan } = validDagOrAnnotated(dag, registry);
  const profile = typeof options.profile === 'object' ? options.profile : BUILTIN_PROFILES[options.profile ?? 'aws'];
  if (!profile) throw new BadInputError(`unknown profile "${String(options.profile)}": built-in profiles are ${Object.keys(BUILTIN_PROFILES).join(', ')}`);
  const priced = await pricedTableDag({ spec, model, dag: runDagFromSpec(spec) }, registry, { pushdown: options.pushdown ?? true });
  const seed = options.seed ?? 1;
  return simulateRun({
    dag: priced.dag,
    wukong: { ...DEFAULT_WUKONG_OPTIONS, ...options.wukong },
    profile,
    estimator: createCostModelEstimator(priced.model, priced.registry, profile),
    seed,
    memoryMb: options.memoryMb ?? 3008,
    storeKind: options.store ?? 'redis',
    runId: `sim-${seed}`,
    dagName: priced.spec.name ?? 'dag',
    ...(plan ? { plan } : {}),
  });
}
