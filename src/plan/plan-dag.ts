import type { Dag } from '../dag/dag.js';
import type { MetadataAccess } from '../metadata/metadata-access.js';
import { formatSla, type Sla } from '../metadata/sla.js';
import { PlanSchema, type AnnotatedDag, type Plan, type Prediction, type ReplanOnDrift } from '../model/annotated-dag.js';
import { DEFAULT_PLAN_TIMEOUT_MS } from '../model/limits.js';
import { DEFAULT_PARK_AFTER_MS } from '../model/run-spec.js';
import { fromPlanOutput } from './compact-plan.js';
import { estimatePlan, type PlanEstimate } from './plan-estimate.js';
import { plansHedgedStarts } from './start-tail.js';
import { parkThresholds, workerMemory, workersOverMemory } from './park-threshold.js';
import type { PlanningAlgorithm, PlanningContext } from './planning-algorithm.js';
import { predictTaskCosts, type TargetPlatform, type TaskCosts } from './task-costs.js';
import { normalizeTiers } from './tiers.js';
import { PlanValidationError, validatePlan, type PlanProblem } from './validate-plan.js';

export interface PlanDagOptions {
  readonly metadata: MetadataAccess;
  readonly sla: Sla;
  /** Memory tiers (MB) workers may get. */
  readonly tiers: readonly number[];
  readonly maxWorkers?: number;
  /** The planner's time limit (default DEFAULT_PLAN_TIMEOUT_MS); past it, planning fails (exit 2). */
  readonly timeoutMs?: number;
  /** The platform the plan runs on (see PlanningContext.platform). */
  readonly platform?: TargetPlatform;
  /** Re-planning points to put in the plan (task ids), instead of those the planner names. */
  readonly replanAfter?: readonly string[];
  /** A drift trigger to put in the plan, instead of the planner's own (Plan.replanOnDrift). */
  readonly replanOnDrift?: ReplanOnDrift;
  /**
   * Sources of `dag` whose outputs are already stored (a run resumed from a result cache's hits):
   * the planner gets them as re-planning's finished tasks (PlanningContext.replanning), and the
   * forecast gives them no worker time.
   */
  readonly done?: ReadonlySet<string>;
}

/** Issues of the schema shown per plan; a planner that gets every task wrong would flood the terminal. */
const SCHEMA_ISSUES_SHOWN = 20;

/**
 * Runs a planner and returns the annotated DAG, or throws a BadInputError (exit 2) naming what is
 * wrong: the planner threw, did not finish within `timeoutMs` (a promise that never settles would
 * otherwise let the process exit 0 having done nothing), returned something that is not a plan, or a plan that cannot run
 * (./validate-plan.ts). Defaults (no preload, prewarm, dup) are filled in through the schema, and
 * `predicted` is the shared estimator's forecast (./plan-estimate.ts), so every planner's figures
 * compare; other numbers the planner predicted (e.g. nonuniform's `savingUsd`) are kept.
 */
export async function planDag(dag: Dag, algorithm: PlanningAlgorithm, options: PlanDagOptions): Promise<AnnotatedDag> {
  const tiers = normalizeTiers(options.tiers);
  const source = `planner ${algorithm.name}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_PLAN_TIMEOUT_MS;
  let output: unknown;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PlannerTimeoutError(algorithm.name, timeoutMs)), timeoutMs);
    });
    output = await Promise.race([algorithm.plan(dag, options.metadata, options.sla, planningContext(tiers, options)), expired]);
  } catch (error) {
    if (error instanceof PlannerTimeoutError) throw error;
    throw new PlannerFailedError(algorithm.name, error);
  } finally {
    clearTimeout(timer);
  }
  if (typeof output !== 'object' || output === null || typeof (output as { tasks?: unknown }).tasks !== 'object' || typeof (output as { workers?: unknown }).workers !== 'object') {
    throw new PlanValidationError([{ code: 'bad-format', message: `${source} returned ${describeValue(output)}, not { tasks, workers }` }]);
  }
  const { tasks, workers, predicted, replanAfter: named, replanOnDrift: namedDrift, hedgeStarts: hedgeAsked, prewarmAtStart } = output as { tasks: unknown; workers: unknown; predicted?: unknown; replanAfter?: unknown; replanOnDrift?: unknown; hedgeStarts?: unknown; prewarmAtStart?: unknown };
  // The caller's points and trigger (`--replan-after`, `--replan-drift`) win over the planner's own.
  const replanAfter = options.replanAfter ?? named;
  const replanOnDrift = options.replanOnDrift ?? namedDrift;
  const parsed = PlanSchema.safeParse({ algorithm: algorithm.name, sla: formatSla(options.sla), tasks, workers, ...(replanAfter === undefined ? {} : { replanAfter }), ...(replanOnDrift === undefined ? {} : { replanOnDrift }), ...(prewarmAtStart === undefined ? {} : { prewarmAtStart }) });
  if (!parsed.success) {
    const problems: PlanProblem[] = parsed.error.issues.slice(0, SCHEMA_ISSUES_SHOWN).map((issue) => ({
      code: 'bad-format',
      message: `${issue.path.map(String).join('.') || '(plan)'}: ${issue.message}`,
      ...(issue.path[0] === 'tasks' && typeof issue.path[1] === 'string' ? { taskIds: [issue.path[1]] } : {}),
    }));
    throw new PlanValidationError(problems, source);
  }
  const plan = parsed.data;
  validatePlan(dag, plan, { tiers, source });
  const costs = predictTaskCosts(dag, options.metadata, options.sla, tiers, options.platform, options.done);
  // The planner's choice, else hedged wherever the platform's cold starts vary (a custom planner's non-boolean counts as unset).
  const hedge = plansHedgedStarts(costs, typeof hedgeAsked === 'boolean' ? { hedgeStarts: hedgeAsked } : {});
  if (hedge) plan.hedgeStarts = true;
  const estimate = withSharedParkThresholds(costs, plan);
  if (!Number.isFinite(estimate.makespanMs) || !Number.isFinite(estimate.costUsd)) {
    throw new PlanValidationError([{ code: 'bad-format', message: `the predicted makespan or cost is not finite (${estimate.makespanMs} ms, $${estimate.costUsd}): the predictions are out of range` }], source);
  }
  const compact = fromPlanOutput(costs, plan);
  const memory = workerMemory(costs, compact, estimate);
  // Predicted peak memory per worker (../park-threshold.ts). Not yet a validation error: with the
  // default tiers (at most 3,008 MB) no candidate plan of GEMM or SVD2 at paper size fits by this
  // estimate, and the planners cannot yet split a worker to make one fit.
  const overMemory = workersOverMemory(costs, compact, memory).length;
  const peakWorkerMb = Math.max(0, ...Array.from(memory.peakBytes, (bytes) => bytes / (1024 * 1024)));
  plan.predicted = { ...extraFigures(predicted), makespanMs: estimate.makespanMs, costUsd: estimate.costUsd, workers: estimate.workerCount, peakWorkerMb: Math.round(peakWorkerMb), workersOverMemory: overMemory };
  plan.schedule = predictedSchedule(costs.graph.ids, estimate);
  return { dag: dag.spec, plan };
}

/**
 * The plan's forecast, after giving a plan whose planner set no park threshold (random's, or a
 * custom planner's) the built-ins' thresholds from its own predicted waits (./park-threshold.ts),
 * as hedgeStarts gets the platform's. The run default (500 ms) knows nothing of the plan: a wait
 * the plan predicts, lengthened by a late start wave, parked early workers whose re-invocations
 * then sat on the critical path (svc random under aws-blas, seeds 1..101: the makespan rose 1.35
 * ms per ms of start wave, 0.95 with these thresholds; BENCHMARKS.md "Park thresholds for plans
 * that set none"). A planner that sets any threshold keeps its own, for every task.
 */
function withSharedParkThresholds(costs: TaskCosts, plan: Plan): PlanEstimate {
  const compact = fromPlanOutput(costs, plan);
  const estimate = estimatePlan(costs, compact);
  if (Object.values(plan.tasks).some((task) => task.parkAfterMs !== undefined)) return estimate;
  const thresholds = parkThresholds(costs, compact, estimate, DEFAULT_PARK_AFTER_MS);
  let set = 0;
  costs.graph.ids.forEach((id, task) => {
    const threshold = thresholds[task] as number;
    const annotation = Object.hasOwn(plan.tasks, id) ? plan.tasks[id] : undefined;
    if (annotation === undefined || !Number.isFinite(threshold)) return;
    annotation.parkAfterMs = Math.round(threshold);
    set += 1;
  });
  return set === 0 ? estimate : estimatePlan(costs, fromPlanOutput(costs, plan));
}

function planningContext(tiers: readonly number[], options: PlanDagOptions): PlanningContext {
  return {
    tiers,
    ...(options.maxWorkers === undefined ? {} : { maxWorkers: options.maxWorkers }),
    ...(options.platform === undefined ? {} : { platform: options.platform }),
    ...(options.done === undefined ? {} : { replanning: { done: options.done, atMs: 0, observedFactor: new Map<string, number>() } }),
  };
}

/** A planner that threw: its message, with the planner named (exit 2: the planner is the user's input). */
export class PlannerFailedError extends PlanValidationError {
  constructor(planner: string, cause: unknown) {
    super([{ code: 'bad-format', message: `planner ${planner} threw: ${cause instanceof Error ? cause.message : String(cause)}` }]);
    if (cause !== undefined) Object.defineProperty(this, 'cause', { value: cause, enumerable: false });
  }
}

/**
 * Each task's forecast compute interval, to 0.1 ms (a 100k-task plan stays a few MB). Built with
 * Object.fromEntries so that a task id such as `__proto__` is an own key, not the prototype.
 */
function predictedSchedule(ids: readonly string[], estimate: PlanEstimate): Record<string, [number, number]> {
  const tenth = (ms: number) => Math.round(ms * 10) / 10;
  return Object.fromEntries(ids.map((id, i) => [id, [tenth(estimate.startMs[i] ?? 0), tenth(estimate.finishMs[i] ?? 0)]]));
}

/**
 * A planner that did not finish in time. Only an asynchronous planner can be cut off: one that
 * blocks the thread in a loop holds the timer back too.
 */
export class PlannerTimeoutError extends PlanValidationError {
  constructor(planner: string, timeoutMs: number) {
    super([{ code: 'bad-format', message: `planner ${planner} did not finish within ${formatSeconds(timeoutMs)} (--plan-timeout)` }]);
  }
}

function formatSeconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}

/** The planner's own finite numeric predictions other than makespan and cost. */
function extraFigures(predicted: unknown): Prediction | Record<string, number> {
  if (typeof predicted !== 'object' || predicted === null) return {};
  const figures: Record<string, number> = {};
  for (const [key, value] of Object.entries(predicted)) {
    if (key !== 'makespanMs' && key !== 'costUsd' && typeof value === 'number' && Number.isFinite(value)) figures[key] = value;
  }
  return figures;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return `an object with keys ${Object.keys(value).slice(0, 5).join(', ') || '(none)'}`;
  return typeof value === 'undefined' ? 'undefined' : `a ${typeof value}`;
}
