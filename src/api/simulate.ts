import { BadInputError } from '../model/errors.js';
import { runDagFromSpec } from '../model/compiled-dag.js';
import type { WukongOptions } from '../model/wukong-options.js';
import { builtinProfile, BUILTIN_PROFILES, parseCostProfile, isSimulatedStoreKind, SIMULATED_STORE_KINDS, type CostProfile, type StoreKind } from '../cost/profile.js';
import { simulate as simulateRun, type SimulationResult } from '../sim/simulator.js';
import { createCostModelEstimator, describeTaskCosts } from '../sim/cost-model-estimator.js';
import { pricedTableDag } from '../ops/table/table-dag.js';
import { loadOps, type OpsOption } from './load-ops.js';
import { optionsObject, shown, wukongOptionsOf } from './option-checks.js';
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
/** The simulation, and where its task costs came from (as the CLI's `task costs` line says it). */
export interface LibrarySimulationResult extends SimulationResult {
  readonly taskCosts: string;
}

export async function simulate(dag: unknown, options: SimulateOptions = {}): Promise<LibrarySimulationResult> {
  const given = optionsObject(options, 'simulate');
  const profile = profileOf(given.profile);
  const storeKind = storeKindOf(given.store);
  const wukong = wukongOptionsOf(given.wukong);
  const { registry } = await loadOps(given);
  const { spec, model, plan } = validDagOrAnnotated(dag, registry);
  const priced = await pricedTableDag({ spec, model, dag: runDagFromSpec(spec) }, registry, { pushdown: given.pushdown ?? true });
  const seed = given.seed ?? 1;
  const estimator = createCostModelEstimator(priced.model, priced.registry, profile);
  const result = simulateRun({
    dag: priced.dag,
    wukong,
    profile,
    estimator,
    seed,
    memoryMb: given.memoryMb ?? 3008,
    storeKind,
    runId: `sim-${seed}`,
    dagName: priced.spec.name ?? 'dag',
    ...(plan ? { plan } : {}),
  });
  return { ...result, taskCosts: describeTaskCosts(estimator, profile) };
}

/** A CostProfile as given, or a built-in one by name (its own property: `toString` names none). */
function profileOf(profile: SimulateOptions['profile']): CostProfile {
  if (typeof profile === 'object' && profile !== null) {
    // Checked as a profile file is: a wrong field would otherwise surface as NaN figures.
    try {
      return parseCostProfile(profile);
    } catch (error) {
      throw new BadInputError(`profile: ${(error as Error).message}`, { cause: error });
    }
  }
  const builtin = typeof profile === 'string' || profile === undefined ? builtinProfile(profile ?? 'aws') : undefined;
  // `local` is fitted from recorded runs, which the library does not find by itself: say how.
  if (profile === 'local') throw new BadInputError("profile 'local' is fitted from recorded runs: pass profile: localProfile(await loadHistory(DIR_OR_REDIS_URL))");
  if (!builtin) throw new BadInputError(`unknown profile ${shown(profile)}: built-in profiles are ${Object.keys(BUILTIN_PROFILES).join(', ')}, or pass a CostProfile (localProfile gives the local one)`);
  return builtin;
}

/** The store the simulated executors use: one of the profile's stores. */
function storeKindOf(store: unknown): StoreKind {
  if (store === undefined) return 'redis';
  if (!isSimulatedStoreKind(store)) throw new BadInputError(`store must be ${SIMULATED_STORE_KINDS.join(' or ')}, got ${shown(store)}`);
  return store;
}
