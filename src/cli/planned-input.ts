import type { Dag } from '../dag/dag.js';
import type { DagSpec } from '../model/dag-schema.js';
import { DagValidationError, validateDag } from '../dag/validate.js';
import { BadInputError } from '../model/errors.js';
import { DEFAULT_PLAN_TIMEOUT_MS } from '../model/limits.js';
import { predictorForDag } from '../metadata/dag-descriptors.js';
import { emptyHistory } from '../metadata/metadata-history.js';
import { openMetadataStore, type MetadataLocation } from '../metadata/metadata-location.js';
import { parseSla } from '../metadata/sla.js';
import type { OpRegistry } from '../ops/registry.js';
import { buildOpRegistry } from '../ops/user-ops.js';
import { AnnotatedDagSchema, looksAnnotated, type Plan } from '../model/annotated-dag.js';
import { planDag } from '../plan/plan-dag.js';
import { DEFAULT_TIERS, parseTiers } from '../plan/tiers.js';
import { validatePlan } from '../plan/validate-plan.js';
import { runDagFromSpec, type CompiledRunDag } from '../model/compiled-dag.js';
import { loadPlanner } from './load-planner.js';
import { parseDuration, parseIntegerOption } from './parse-options.js';
import { readDagFile } from './read-dag-file.js';
import { warnSkippedRecords } from './skipped-records-warning.js';

/** The planning flags `submit`, `replay` and `simulate` share with `wukong plan`. */
export interface PlannerFlags {
  planner: string;
  sla?: string;
  tiers?: string;
  maxWorkers?: string;
  planTimeout?: string;
}

/** A DAG ready to run: its plan when a planner made one or the file carried one (planned mode). */
export interface PlannedInput {
  readonly spec: DagSpec;
  readonly model: Dag;
  readonly dag: CompiledRunDag;
  readonly plan?: Plan;
  /** `wukong` (WUKONG mode), a built-in planner's name, or a custom planner's `name`. */
  readonly planner: string;
}

/** Adds the planning flags to a command (commander's `.option` chain). */
export function withPlannerOptions<C extends { option(flags: string, description: string, defaultValue?: string): C }>(command: C): C {
  return command
    .option('--planner <name|path>', 'wukong (no plan: executors decide as WUKONG does), uniform, nonuniform, heft, random, or a planner module path (./my-planner.js)', 'wukong')
    .option('--sla <sla>', 'planners: statistic of the predictions, avg, median or pNN', 'median')
    .option('--tiers <list>', 'planners: memory tiers (MB) workers may get, comma separated', DEFAULT_TIERS.join(','))
    .option('--max-workers <n>', 'planners: at most this many workers (heft: its worker count)')
    .option(...PLAN_TIMEOUT_OPTION);
}

/** `--plan-timeout`: how long a planner may take (`wukong plan` adds it too). */
export const PLAN_TIMEOUT_OPTION = ['--plan-timeout <duration>', 'planners: fail (exit 2) when the planner takes longer (500ms, 90s, 10m)', `${DEFAULT_PLAN_TIMEOUT_MS / 1000}s`] as const;

/**
 * Reads a DAG file or an annotated DAG file (`wukong plan -o`) and, for a DAG with a planner other
 * than wukong, plans it from the metadata at `history`. Everything is validated before anything
 * runs: bad input throws a BadInputError (exit 2).
 */
export async function loadPlannedInput(file: string, flags: PlannerFlags, historyAt: MetadataLocation | undefined, ops: OpRegistry = buildOpRegistry()): Promise<PlannedInput> {
  const json = await readDagFile(file);
  const tiers = parseTiers(flags.tiers ?? DEFAULT_TIERS.join(','));
  if (looksAnnotated(json)) {
    if (flags.planner !== 'wukong') throw new BadInputError(`${file} already holds a plan; drop --planner ${flags.planner} to run it, or plan its "dag" again`);
    const parsed = AnnotatedDagSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new BadInputError(`${file}: not an annotated DAG: ${issue?.path.map(String).join('.') || '(root)'}: ${issue?.message}`);
    }
    const { spec, model, dag } = validDag(parsed.data.dag, file, ops);
    validatePlan(model, parsed.data.plan, { tiers, source: file });
    return { spec, model, dag, plan: parsed.data.plan, planner: parsed.data.plan.algorithm };
  }
  const { spec, model, dag } = validDag(json, file, ops);
  return { spec, model, dag, ...(await planFor(model, flags, historyAt, ops)) };
}

/** Runs the planner the flags name on a valid DAG; `wukong` makes no plan. */
export async function planFor(model: Dag, flags: PlannerFlags, historyAt: MetadataLocation | undefined, ops: OpRegistry = buildOpRegistry()): Promise<{ plan?: Plan; planner: string }> {
  const tiers = parseTiers(flags.tiers ?? DEFAULT_TIERS.join(','));
  const loaded = await loadPlanner(flags.planner);
  if (loaded.kind === 'wukong') return { planner: 'wukong' };
  const sla = parseSla(flags.sla ?? 'median');
  const maxWorkers = flags.maxWorkers === undefined ? undefined : parseIntegerOption(flags.maxWorkers, '--max-workers', 1, 1);
  const store = historyAt ? await openMetadataStore(historyAt) : undefined;
  try {
    const history = store ? await store.load() : emptyHistory();
    if (historyAt) warnSkippedRecords(history, historyAt);
    const metadata = predictorForDag(model, ops, history, { defaultSla: sla });
    const timeoutMs = parseDuration(flags.planTimeout ?? `${DEFAULT_PLAN_TIMEOUT_MS}ms`, '--plan-timeout');
    const annotated = await planDag(model, loaded.algorithm, { metadata, sla, tiers, timeoutMs, ...(maxWorkers === undefined ? {} : { maxWorkers }) });
    return { plan: annotated.plan, planner: annotated.plan.algorithm };
  } finally {
    await store?.close();
  }
}

function validDag(json: unknown, file: string, ops: OpRegistry): { spec: DagSpec; model: Dag; dag: CompiledRunDag } {
  const result = validateDag(json, ops);
  if (!result.ok) throw new DagValidationError(result.problems, file);
  return { spec: result.spec, model: result.dag, dag: runDagFromSpec(result.spec) };
}
