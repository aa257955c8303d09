import { validateDag, DagValidationError } from '../dag/validate.js';
import { predictorForDag } from '../metadata/dag-descriptors.js';
import { emptyHistory, type MetadataHistory } from '../metadata/metadata-history.js';
import { resolveSla, type Sla } from '../metadata/sla.js';
import { BadInputError } from '../model/errors.js';
import type { AnnotatedDag } from '../model/annotated-dag.js';
import { BUILTIN_PLANNER_NAMES, BUILTIN_PLANNERS } from '../plan/builtin-planners.js';
import { planDag } from '../plan/plan-dag.js';
import type { PlanningAlgorithm } from '../plan/planning-algorithm.js';
import { DEFAULT_TIERS } from '../plan/tiers.js';
import { runDagFromSpec } from '../model/compiled-dag.js';
import { pricedTableDag } from '../ops/table/table-dag.js';
import { loadOps, type OpsOption } from './load-ops.js';

export interface PlanOptions extends OpsOption {
  /** A built-in planner's name (uniform, nonuniform, heft, random) or a PlanningAlgorithm object. */
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
  const { registry } = await loadOps(options);
  const result = validateDag(dag, registry);
  if (!result.ok) throw new DagValidationError(result.problems, 'dag');
  const priced = await pricedTableDag({ spec: result.spec, model: result.dag, dag: runDagFromSpec(result.spec) }, registry, { pushdown: options.pushdown ?? true });
  const algorithm = plannerOf(options.planner ?? 'uniform');
  const sla = resolveSla(options.sla ?? 'median');
  const metadata = predictorForDag(priced.model, priced.registry, options.history ?? emptyHistory(), { defaultSla: sla });
  return planDag(priced.model, algorithm, { metadata, sla, tiers: options.tiers ?? DEFAULT_TIERS, ...(options.maxWorkers === undefined ? {} : { maxWorkers: options.maxWorkers }) });
}

function plannerOf(planner: string | PlanningAlgorithm): PlanningAlgorithm {
  if (typeof planner !== 'string') return planner;
  const builtin = Object.hasOwn(BUILTIN_PLANNERS, planner) ? BUILTIN_PLANNERS[planner] : undefined;
  if (!builtin) throw new BadInputError(`unknown planner "${planner}": built-in planners are ${BUILTIN_PLANNER_NAMES.filter((name) => name !== 'wukong').join(', ')}, or pass a PlanningAlgorithm`);
  return builtin;
}
