import type { Dag } from '../dag/dag.js';
import type { MetadataAccess } from '../metadata/metadata-access.js';
import type { Sla } from '../metadata/sla.js';
import type { TargetPlatform } from './task-costs.js';
import type { Prediction, ReplanOnDrift, TaskAnnotationInput, WorkerSpec } from '../model/annotated-dag.js';

/** What a planner may use beyond the DAG and history: the platform's choices and limits. */
export interface PlanningContext {
  /** Memory tiers (MB) workers may be given, ascending; each is one Lambda function. */
  readonly tiers: readonly number[];
  /** At most this many workers (HEFT's processor count; others may ignore it). */
  readonly maxWorkers?: number;
  /**
   * The platform the plan runs on (cost profile and store), when known: pass it to
   * predictTaskCosts so transfers and start-ups are priced as they will be, not as recorded.
   */
  readonly platform?: TargetPlatform;
  /**
   * Set when the run reached a re-planning point and this call plans what is left (src/plan/replan.ts):
   * the DAG given is then the remaining tasks plus, as sources, the finished tasks they read
   * (`done`; their outputs are stored, and the metadata predicts 0 ms for them). The metadata's
   * execution times are already scaled by the slowdown observed so far; `observedFactor` says by
   * how much, per op, for planners that want to reason about it.
   */
  readonly replanning?: ReplanningContext;
}

export interface ReplanningContext {
  /** Finished tasks in the DAG given (sources whose outputs are in the store). */
  readonly done: ReadonlySet<string>;
  /** Virtual or wall ms since the run started. */
  readonly atMs: number;
  /** Observed / predicted compute time so far, per op; `*` is over every finished task. */
  readonly observedFactor: ReadonlyMap<string, number>;
  /**
   * Workers of the run, per memory tier (MB), that finished their tasks and wait to be handed a
   * worker of the new plan: one whose first task reads only finished tasks starts on them without
   * an Invoke call or a start-up (pass it to predictTaskCosts; the shared estimator and HEFT use it).
   */
  readonly heldWorkers?: ReadonlyMap<number, number>;
  /** Idle environments per tier (MB): invoked workers start warm on them (also for predictTaskCosts). */
  readonly warmEnvironments?: ReadonlyMap<number, number>;
}

/** What `plan` returns: an annotation per task and a configuration per worker it names. */
export interface PlanOutput {
  readonly tasks: Readonly<Record<string, TaskAnnotationInput>>;
  readonly workers: Readonly<Record<string, WorkerSpec>>;
  /** The planner's own forecast of its plan (makespan, cost), if it makes one. */
  readonly predicted?: Prediction;
  /** Re-planning points (task ids; see Plan.replanAfter): where the run plans its rest again. */
  readonly replanAfter?: readonly string[];
  /** A drift trigger (see Plan.replanOnDrift): re-plan what has not started once observed times drift. */
  readonly replanOnDrift?: ReplanOnDrift;
  /** Plan.hedgeStarts; absent: set when the platform's cold starts vary (src/plan/start-tail.ts). */
  readonly hedgeStarts?: boolean;
  /** Plan.prewarmAtStart: workers the client pre-warms after its start calls. */
  readonly prewarmAtStart?: readonly number[];
}

/**
 * A planning algorithm (DESIGN.md §3, thesis Fig. 10). Built-ins are found by name; a custom one is
 * the default export of a module given by path (`--planner ./my-planner.js`). Its output is
 * validated before anything runs, so a bad plan is a clear error, never a hung run.
 */
export interface PlanningAlgorithm {
  readonly name: string;
  plan(dag: Dag, metadata: MetadataAccess, sla: Sla, context: PlanningContext): PlanOutput | Promise<PlanOutput>;
}
