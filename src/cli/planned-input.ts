import type { Dag } from '../dag/dag.js';
import type { DagSpec } from '../model/dag-schema.js';
import { BadInputError } from '../model/errors.js';
import { predictorForDag } from '../metadata/dag-descriptors.js';
import { emptyHistory, historyRecordCounts, type HistoryRecordCounts } from '../metadata/metadata-history.js';
import { openMetadataStore, type MetadataLocation } from '../metadata/metadata-location.js';
import type { OpRegistry } from '../ops/registry.js';
import { buildOpRegistry } from '../ops/user-ops.js';
import { validDagOf } from './load-valid-dag.js';
import { AnnotatedDagSchema, looksAnnotated, type Plan, type ReplanOnDrift } from '../model/annotated-dag.js';
import type { PlanningAlgorithm, PlanningContext } from '../plan/planning-algorithm.js';
import type { MetadataAccess } from '../metadata/metadata-access.js';
import { WUKONG_PLANNER_NAME } from '../plan/planner-names.js';
import type { PlannerOptions } from '../plan/planner-options.js';
import { validatePlan } from '../plan/validate-plan.js';
import type { ReplannedPlan, ReplanRequest } from '../plan/replan.js';
import type { TargetPlatform } from '../plan/task-costs.js';
import { pricedByPlatform } from '../plan/platform-pricing.js';
import type { CompiledRunDag } from '../model/compiled-dag.js';
import { loadPlanner } from '../plan/load-planner.js';
import { readDagFile } from './read-dag-file.js';
import { warnSkippedRecords } from './skipped-records-warning.js';

/** A DAG ready to run: its plan when a planner made one or the file carried one (planned mode). */
export interface PlannedInput {
  readonly spec: DagSpec;
  readonly model: Dag;
  readonly dag: CompiledRunDag;
  readonly plan?: Plan;
  /** `wukong` (WUKONG mode), a built-in planner's name, or a custom planner's `name`. */
  readonly planner: string;
  /** With re-planning points or a drift trigger: plans the rest of a run at each point (src/plan/replan.ts). */
  readonly replanner?: (request: ReplanRequest) => ReplannedPlan | undefined;
  /** With a drift trigger: observed / predicted over the finished tasks (src/plan/replan.ts driftFactor). */
  readonly drift?: (observed: ReplanRequest['observed']) => number | undefined;
  /** Asked to plan later (a run with a result cache): plans the tasks the run must run once its hits are known. */
  readonly planToRun?: (toRun: ReadonlySet<string>) => Promise<Plan>;
}

/** How a run re-plans (`wukong simulate --replan-after / --replan-stages / --replan-drift`); absent: the planner's own. */
export interface RunReplanning {
  readonly replanAfter?: readonly string[];
  readonly replanOnDrift?: ReplanOnDrift;
}

/**
 * Reads a DAG file or an annotated DAG file (`wukong plan -o`) and, for a DAG with a planner other
 * than wukong, plans it from the metadata at `history`. Everything is validated before anything
 * runs: bad input throws a BadInputError (exit 2). `platformOf`: the platform the plan runs on,
 * given the validated DAG (its task prices depend on the DAG).
 */
export async function loadPlannedInput(
  file: string,
  options: PlannerOptions,
  historyAt: MetadataLocation | undefined,
  ops: OpRegistry = buildOpRegistry(),
  platformOf?: (model: Dag) => Promise<TargetPlatform | undefined>,
  replanning?: RunReplanning,
  planLater = false,
  prepare?: PrepareDag,
): Promise<PlannedInput> {
  const json = await readDagFile(file);
  if (looksAnnotated(json)) {
    if (options.planner !== WUKONG_PLANNER_NAME) throw new BadInputError(`${file} already holds a plan; drop --planner ${options.planner} to run it, or plan its "dag" again`);
    const parsed = AnnotatedDagSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadInputError(`${file}: not an annotated DAG: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message}`);
    }
    const { spec, model, dag } = await prepared(validDagOf(parsed.data.dag, file, ops), ops, prepare);
    if (replanning?.replanAfter || replanning?.replanOnDrift) throw new BadInputError(`${file} already holds a plan; re-planning needs the planner: plan its "dag" with --planner and --replan-after or --replan-drift`);
    validatePlan(model, parsed.data.plan, { tiers: options.tiers, source: file });
    return { spec, model, dag, plan: parsed.data.plan, planner: parsed.data.plan.algorithm };
  }
  const { spec, model, dag, registry } = await prepared(validDagOf(json, file, ops), ops, prepare);
  const platform = platformOf ? await platformOf(model) : undefined;
  if (planLater) return { spec, model, dag, ...(await plannerOfWhatRuns(model, options, historyAt, registry, platform)) };
  return { spec, model, dag, ...(await planFor(model, options, historyAt, registry, platform, replanning)) };
}

/**
 * A step between validation and planning: `simulate` prices a table DAG as a run runs it
 * (src/ops/table/table-dag.ts pricedTableDag: pushdown, table.read priced from its sources).
 */
export type PrepareDag = (valid: { spec: DagSpec; model: Dag; dag: CompiledRunDag }, ops: OpRegistry) => Promise<{ spec: DagSpec; model: Dag; dag: CompiledRunDag; registry: OpRegistry }>;

async function prepared(valid: { spec: DagSpec; model: Dag; dag: CompiledRunDag }, ops: OpRegistry, prepare: PrepareDag | undefined) {
  return prepare ? prepare(valid, ops) : { ...valid, registry: ops };
}

/**
 * Planned mode with a result cache (issue 19): the planner the options name, with its history read
 * now, ready to plan only the tasks a run must run once the run client knows its hits
 * (RunRequest.planToRun). `wukong` makes no plan, now or later.
 */
export async function plannerOfWhatRuns(
  model: Dag,
  options: PlannerOptions,
  historyAt: MetadataLocation | undefined,
  ops: OpRegistry = buildOpRegistry(),
  platform?: TargetPlatform,
): Promise<{ planner: string; planToRun?: (toRun: ReadonlySet<string>) => Promise<Plan> }> {
  const planning = await planningFrom(model, options, historyAt, ops, platform);
  if (!planning) return { planner: WUKONG_PLANNER_NAME };
  const { algorithm, metadata, context } = planning;
  const { planToRun } = await import('../plan/plan-to-run.js');
  return {
    planner: algorithm.name,
    planToRun: (toRun) => planToRun(model, toRun, algorithm, { metadata, sla: options.sla, timeoutMs: options.timeoutMs, ...context }),
  };
}

/**
 * Runs the planner the options name on a valid DAG; `wukong` makes no plan. `platform`: the
 * profile the plan will run on (the simulator's), so transfers and start-ups are priced by it.
 */
export async function planFor(
  model: Dag,
  options: PlannerOptions,
  historyAt: MetadataLocation | undefined,
  ops: OpRegistry = buildOpRegistry(),
  platform?: TargetPlatform,
  replanning?: RunReplanning,
): Promise<{ plan?: Plan; planner: string; replanner?: (request: ReplanRequest) => ReplannedPlan | undefined; drift?: (observed: ReplanRequest['observed']) => number | undefined; historyRecords?: HistoryRecordCounts }> {
  const planning = await planningFrom(model, options, historyAt, ops, platform);
  if (!planning) return { planner: WUKONG_PLANNER_NAME };
  const { algorithm, metadata, context, historyRecords } = planning;
  const { sla } = options;
  const { replanAfter, replanOnDrift } = replanning ?? {};
  // Planning code is loaded only by a run that plans (WUKONG mode: none of it; issue 20, CLI start).
  const [{ planDag }, { driftFactor, replanIfFaster }] = await Promise.all([import('../plan/plan-dag.js'), import('../plan/replan.js')]);
  const annotated = await planDag(model, algorithm, { metadata, sla, timeoutMs: options.timeoutMs, ...context, ...(replanAfter ? { replanAfter } : {}), ...(replanOnDrift ? { replanOnDrift } : {}) });
  const points = annotated.plan.replanAfter ?? [];
  const drifts = annotated.plan.replanOnDrift !== undefined;
  // The same planner and history plan the rest at each point (or when times drift), scaled by what the run observed.
  const replanner = points.length > 0 || drifts ? (request: ReplanRequest) => replanIfFaster(algorithm, model, request, { metadata, sla, context }) : undefined;
  // The trigger compares observed times with what this plan's metadata predicted for them.
  const drift = drifts ? (observed: ReplanRequest['observed']) => driftFactor(model, observed, metadata, sla) : undefined;
  return { plan: annotated.plan, planner: annotated.plan.algorithm, ...(replanner ? { replanner } : {}), ...(drift ? { drift } : {}), ...(historyRecords ? { historyRecords } : {}) };
}

/**
 * The planner the options name with what it plans from (history, platform); undefined for wukong.
 * `historyRecords`: what the history at `historyAt` held, so `plan` can say what its figures came
 * from (an empty or missing store leaves them to DAG hints and defaults).
 */
async function planningFrom(
  model: Dag,
  options: PlannerOptions,
  historyAt: MetadataLocation | undefined,
  ops: OpRegistry,
  platform: TargetPlatform | undefined,
): Promise<{ algorithm: PlanningAlgorithm; metadata: MetadataAccess; context: PlanningContext; historyRecords?: HistoryRecordCounts } | undefined> {
  const { sla, tiers, maxWorkers } = options;
  const loaded = await loadPlanner(options.planner);
  if (loaded.kind === 'wukong') return undefined;
  const store = historyAt ? await openMetadataStore(historyAt) : undefined;
  try {
    const history = store ? await store.load() : emptyHistory();
    if (historyAt) warnSkippedRecords(history, historyAt);
    const recorded = predictorForDag(model, ops, history, { defaultSla: sla });
    // A platform that prices its tasks (the simulator's costs) prices them for the planner too,
    // so the plan's forecast and the simulation come from one source (issue 15 item 7).
    const metadata = platform?.tasks ? pricedByPlatform(recorded, platform.tasks) : recorded;
    const context = { tiers, ...(maxWorkers === undefined ? {} : { maxWorkers }), ...(platform ? { platform } : {}) };
    return { algorithm: loaded.algorithm, metadata, context, ...(historyAt ? { historyRecords: historyRecordCounts(history) } : {}) };
  } finally {
    await store?.close();
  }
}
