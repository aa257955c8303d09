import { validateDag, DagValidationError } from '../dag/validate.js';
import { predictorForDag } from '../metadata/dag-descriptors.js';
import { emptyHistory, type MetadataHistory } from '../metadata/metadata-history.js';
import { resolveSla, type Sla } from '../metadata/sla.js';
import { BadInputError } from '../model/errors.js';
import type { AnnotatedDag } from '../model/annotated-dag.js';
import { BUILTIN_PLANNER_NAMES, BUILTIN_PLANNERS } from '../plan/builtin-planners.js';
import { planDag } from '../plan/plan-dag.js';
import { loadPlanner } from '../plan/load-planner.js';
import { isExplicitPath } from '../ops/user-module.js';
import type { PlanningAlgorithm } from '../plan/planning-algorithm.js';
import { DEFAULT_TIERS } from '../plan/tiers.js';
import { runDagFromSpec } from '../model/compiled-dag.js';
import { pricedTableDag } from '../ops/table/table-dag.js';
import { loadOps, type OpsOption } from './load-ops.js';
import { optionsObject, shown, wholeNumberOption } from './option-checks.js';

export interface PlanOptions extends OpsOption {
  /**
   * A built-in planner's name (uniform, nonuniform, heft, random), a module by explicit path
   * (`./my-planner.js`, as `--planner` takes it: resolved against the working directory) whose
   * default export is a PlanningAlgorithm, or a PlanningAlgorithm object.
   */
  readonly planner?: string | PlanningAlgorithm;
  readonly sla?: Sla | string;
  readonly tiers?: readonly number[];
  readonly maxWorkers?: number;
  /** Past runs to learn from (default: none; predictions come from hints and defaults). */
  readonly history?: MetadataHistory;
  /**
   * Table ops: price the DAG with projections and filters pushed into the reads, as a run does
   * (default true); false prices it as written. Table sources are read for their shapes.
   */
  readonly pushdown?: boolean;
}

/** Plans a DAG ahead of time: validates it, runs the planner, checks the plan; the annotated DAG. */
export async function plan(dag: unknown, options: PlanOptions = {}): Promise<AnnotatedDag> {
  const given = optionsObject(options, 'plan');
  const algorithm = await plannerOf(given.planner ?? 'uniform');
  const maxWorkers = wholeNumberOption(given.maxWorkers, 'maxWorkers', 1);
  const { registry } = await loadOps(given);
  const result = validateDag(dag, registry);
  if (!result.ok) throw new DagValidationError(result.problems, 'dag');
  const priced = await pricedTableDag({ spec: result.spec, model: result.dag, dag: runDagFromSpec(result.spec) }, registry, { pushdown: given.pushdown ?? true });
  const sla = resolveSla(given.sla ?? 'median');
  const metadata = predictorForDag(priced.model, priced.registry, given.history ?? emptyHistory(), { defaultSla: sla });
  return planDag(priced.model, algorithm, { metadata, sla, tiers: given.tiers ?? DEFAULT_TIERS, ...(maxWorkers === undefined ? {} : { maxWorkers }) });
}

/** A built-in planner by name, a planner module by path, or a PlanningAlgorithm as given (an object with a `plan` method). */
async function plannerOf(planner: unknown): Promise<PlanningAlgorithm> {
  if (typeof planner === 'object' && planner !== null && typeof (planner as Partial<PlanningAlgorithm>).plan === 'function') return planner as PlanningAlgorithm;
  if (typeof planner !== 'string') throw new BadInputError(`planner must be a built-in planner's name, a module path or a PlanningAlgorithm (an object with a plan method), got ${shown(planner)}`);
  if (isExplicitPath(planner.trim())) {
    const loaded = await loadPlanner(planner);
    if (loaded.kind === 'algorithm') return loaded.algorithm;
  }
  const builtin = Object.hasOwn(BUILTIN_PLANNERS, planner) ? BUILTIN_PLANNERS[planner] : undefined;
  if (!builtin) throw new BadInputError(`unknown planner "${planner}": built-in planners are ${BUILTIN_PLANNER_NAMES.filter((name) => name !== 'wukong').join(', ')}, or pass a PlanningAlgorithm`);
  return builtin;
}
