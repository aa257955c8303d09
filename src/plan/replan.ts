import { Dag } from '../dag/dag.js';
import type { DagSpec } from '../model/dag-schema.js';
import { parseDepRef } from '../model/dag-schema.js';
import type { ExecutionTimeEstimate, MetadataAccess } from '../metadata/metadata-access.js';
import type { WorkerConfig } from '../metadata/records.js';
import type { Sla } from '../metadata/sla.js';
import { formatSla } from '../metadata/sla.js';
import { BadInputError } from '../model/errors.js';
import { PlanSchema, type Plan } from '../model/annotated-dag.js';
import type { PlanningAlgorithm, PlanningContext } from './planning-algorithm.js';
import { PlanValidationError, validatePlan } from './validate-plan.js';
import { workerSpecOfTier } from './tiers.js';
import { predictTaskCosts } from './task-costs.js';
import { estimatePlan } from './plan-estimate.js';
import { fromPlanOutput } from './compact-plan.js';

/**
 * Re-planning at a point of the run (thesis: re-plan during a run; Plan.replanAfter): the tasks
 * left are planned again by the same PlanningAlgorithm, with the compute times it predicts scaled
 * by what the run observed so far. Pure: the caller (the simulator's planned mode) says what ran
 * and how long it took.
 */

/** What the run tells the re-planner at a point. */
export interface ReplanRequest {
  /** Virtual ms since the run started. */
  readonly atMs: number;
  /** Every finished task: its compute time and the tier it ran on. */
  readonly observed: ReadonlyMap<string, { readonly execMs: number; readonly memoryMb: number }>;
  /**
   * A drift re-plan (Plan.replanOnDrift): tasks running when it fires, or finished since the
   * trigger without the client having heard of them yet. They are not re-planned (their workers
   * finish them and store what the rest reads); the rest reads them as finished sources.
   */
  readonly running?: ReadonlySet<string>;
  /**
   * A drift re-plan (Plan.replanOnDrift): the plan the run follows, and how many of its workers
   * per tier (MB) are up now. With it, replanIfFaster keeps that plan unless the new one is
   * forecast to finish the rest sooner.
   */
  readonly current?: { readonly plan: Pick<Plan, 'tasks' | 'workers' | 'hedgeStarts'>; readonly upWorkers: ReadonlyMap<number, number>; readonly minGain: number };
  /** Workers per tier (MB) waiting to be handed a worker of the new plan (ReplanningContext.heldWorkers). */
  readonly heldWorkers?: ReadonlyMap<number, number>;
  /** Idle environments per tier (MB) that would start an invoked worker warm (ReplanningContext.warmEnvironments). */
  readonly warmEnvironments?: ReadonlyMap<number, number>;
}

/** The new plan of the remaining tasks (finished ones left out); workers numbered from 0. */
export type ReplannedPlan = Pick<Plan, 'tasks' | 'workers' | 'algorithm' | 'hedgeStarts'> & { readonly replanAfter?: readonly string[] };

export interface ReplanOptions {
  readonly metadata: MetadataAccess;
  readonly sla: Sla;
  /** Planning context of the first plan (tiers, worker cap, platform). */
  readonly context: PlanningContext;
}

/** The op key of the factor over every finished task. */
export const ALL_OPS = '*';

/**
 * Plans the tasks of `dag` not in `request.observed`. The planner gets the remaining DAG with the
 * finished tasks they read as sources (ReplanningContext.done), and a MetadataAccess that scales
 * each op's predicted compute time by observed / predicted so far (ALL_OPS for an op not seen yet).
 * Synchronous, as the simulator's event loop is: a planner whose `plan` returns a promise is refused.
 */
export function replanRemaining(algorithm: PlanningAlgorithm, dag: Dag, request: ReplanRequest, options: ReplanOptions): ReplannedPlan {
  return replanOn(algorithm, request, options, observedRemaining(dag, request, options));
}

function replanOn(algorithm: PlanningAlgorithm, request: ReplanRequest, options: ReplanOptions, { factors, remaining, done, metadata }: ObservedRemaining): ReplannedPlan {
  const context: PlanningContext = { ...options.context, replanning: { done, atMs: request.atMs, observedFactor: factors, ...(request.heldWorkers ? { heldWorkers: request.heldWorkers } : {}), ...(request.warmEnvironments ? { warmEnvironments: request.warmEnvironments } : {}) } };
  const output = algorithm.plan(remaining, metadata, options.sla, context);
  if (output instanceof Promise) throw new BadInputError(`planner ${algorithm.name} plans asynchronously; re-planning during a simulated run needs a planner whose plan() returns its plan directly`);
  const source = `planner ${algorithm.name} (re-planning at ${Math.round(request.atMs)} ms)`;
  const parsed = PlanSchema.safeParse({ algorithm: algorithm.name, sla: formatSla(options.sla), tasks: output.tasks, workers: output.workers, ...(output.replanAfter ? { replanAfter: output.replanAfter } : {}) });
  if (!parsed.success) throw new PlanValidationError(parsed.error.issues.slice(0, 20).map((issue) => ({ code: 'bad-format', message: `${issue.path.map(String).join('.')}: ${issue.message}` })), source);
  validatePlan(remaining, parsed.data, { tiers: options.context.tiers, source });
  // Finished tasks were only there to show the planner where the inputs come from.
  const tasks = Object.fromEntries(Object.entries(parsed.data.tasks).filter(([id]) => !done.has(id)));
  const used = new Set(Object.values(tasks).map((t) => String(t.worker)));
  const workers = Object.fromEntries(Object.entries(parsed.data.workers).filter(([w]) => used.has(w)));
  // hedgeStarts only when the planner says (absent: the run keeps its first plan's).
  return { algorithm: algorithm.name, tasks, workers, ...(parsed.data.replanAfter ? { replanAfter: parsed.data.replanAfter } : {}), ...(typeof output.hedgeStarts === 'boolean' ? { hedgeStarts: output.hedgeStarts } : {}) };
}

/**
 * replanRemaining, but with `request.current` (a drift re-plan) it returns undefined, keeping the
 * run's plan, unless the new plan is forecast to finish the rest at least `current.minGain` (a
 * fraction) sooner than the run's plan would:
 * both forecast by the shared estimator on the remaining DAG with the observed times, the run's
 * plan with its workers that are up counted as started (held), the new one with the held workers
 * and warm environments the run has. A drift that changes no decision then costs nothing.
 */
export function replanIfFaster(algorithm: PlanningAlgorithm, dag: Dag, request: ReplanRequest, options: ReplanOptions): ReplannedPlan | undefined {
  const basis = observedRemaining(dag, request, options);
  const replanned = replanOn(algorithm, request, options, basis);
  const current = request.current;
  if (current === undefined) return replanned;
  const { remaining, done, metadata } = basis;
  const { tiers, platform } = options.context;
  const hedgeStarts = replanned.hedgeStarts ?? current.plan.hedgeStarts;
  const forecast = (plan: Pick<Plan, 'tasks' | 'workers'>, heldWorkers: ReadonlyMap<number, number> | undefined) => {
    const costs = predictTaskCosts(remaining, metadata, options.sla, tiers, platform, done, { ...(heldWorkers ? { heldWorkers } : {}), ...(request.warmEnvironments ? { warmEnvironments: request.warmEnvironments } : {}) });
    return estimatePlan(costs, fromPlanOutput(costs, { ...plan, ...(hedgeStarts === undefined ? {} : { hedgeStarts }) })).makespanMs;
  };
  // The finished sources sit on any worker: they take no time and are read from the store.
  const anyWorker = Number(Object.keys(replanned.workers)[0] ?? 0);
  const newPlan = { tasks: { ...Object.fromEntries([...done].map((id) => [id, { worker: anyWorker, preload: false, prewarm: [], dup: false }])), ...replanned.tasks }, workers: replanned.workers };
  const oldTasks = Object.fromEntries(remaining.taskIds().map((id) => [id, current.plan.tasks[id]]).filter((entry): entry is [string, Plan['tasks'][string]] => entry[1] !== undefined));
  const used = new Set(Object.values(oldTasks).map((t) => String(t.worker)));
  const oldPlan = { tasks: oldTasks, workers: Object.fromEntries(Object.entries(current.plan.workers).filter(([w]) => used.has(w))) };
  return forecast(newPlan, request.heldWorkers) <= forecast(oldPlan, current.upWorkers) * (1 - current.minGain) ? replanned : undefined;
}

/**
 * Observed / predicted compute time per op over the finished tasks (predicted on the tier each ran
 * on), and over all of them under ALL_OPS. An op whose prediction is 0 gets no factor.
 */
export function observedFactors(dag: Dag, request: ReplanRequest, metadata: MetadataAccess, sla: Sla): Map<string, number> {
  const sums = new Map<string, { observed: number; predicted: number }>();
  const add = (key: string, observed: number, predicted: number) => {
    const sum = sums.get(key) ?? { observed: 0, predicted: 0 };
    sum.observed += observed;
    sum.predicted += predicted;
    sums.set(key, sum);
  };
  for (const [id, { execMs, memoryMb }] of request.observed) {
    if (!dag.has(id)) continue;
    const predicted = metadata.predictExecutionTime(id, undefined, [workerSpecOfTier(memoryMb)], sla)[0]?.ms ?? 0;
    if (!(Number.isFinite(predicted) && predicted > 0)) continue;
    add(dag.task(id).op, execMs, predicted);
    add(ALL_OPS, execMs, predicted);
  }
  const factors = new Map<string, number>();
  for (const [key, { observed, predicted }] of sums) if (predicted > 0) factors.set(key, observed / predicted);
  return factors;
}

/**
 * What a re-plan works from: the tasks neither finished nor running (with the finished sources
 * they read, `done`), each op's observed / predicted factor, and a MetadataAccess scaled by it.
 */
type ObservedRemaining = ReturnType<typeof observedRemaining>;

function observedRemaining(dag: Dag, request: ReplanRequest, options: ReplanOptions) {
  const factors = observedFactors(dag, request, options.metadata, options.sla);
  const { remaining, done } = remainingDag(dag, new Set([...request.observed.keys(), ...(request.running ?? [])]));
  const metadata = new ObservedTimesMetadata(options.metadata, (id) => (done.has(id) ? 0 : (factors.get(dag.task(id).op) ?? factors.get(ALL_OPS) ?? 1)));
  return { factors, remaining, done, metadata };
}

/**
 * The drift a trigger watches (Plan.replanOnDrift): observed / predicted compute time summed over
 * every finished task; undefined before any task with a prediction has finished.
 */
export function driftFactor(dag: Dag, observed: ReplanRequest['observed'], metadata: MetadataAccess, sla: Sla): number | undefined {
  return observedFactors(dag, { atMs: 0, observed }, metadata, sla).get(ALL_OPS);
}

/**
 * The tasks not finished, plus the finished tasks they read as sources (no deps): the DAG a
 * re-planner plans. `done` is those finished sources.
 */
export function remainingDag(dag: Dag, finished: ReadonlySet<string>): { remaining: Dag; done: ReadonlySet<string> } {
  const left = dag.topologicalOrder().filter((id) => !finished.has(id));
  if (left.length === 0) throw new Error('nothing is left to re-plan');
  const done = new Set<string>();
  for (const id of left) for (const p of dag.parents(id)) if (finished.has(p)) done.add(p);
  const keep = new Set([...done, ...left]);
  const tasks = dag.spec.tasks.filter((t) => keep.has(t.id)).map((t) => {
    if (!done.has(t.id)) return t;
    const { deps: _deps, ...source } = t;
    return source;
  });
  const outputs = dag.spec.outputs?.filter((ref) => keep.has(parseDepRef(ref).taskId) && !done.has(parseDepRef(ref).taskId));
  const spec: DagSpec = { ...(dag.spec.name ? { name: dag.spec.name } : {}), tasks, ...(outputs && outputs.length > 0 ? { outputs } : {}) };
  return { remaining: Dag.fromSpec(spec), done };
}

/** A MetadataAccess whose compute times are the base's times `factor(taskId)`; all else the base's. */
export class ObservedTimesMetadata implements MetadataAccess {
  constructor(
    private readonly base: MetadataAccess,
    private readonly factor: (taskId: string) => number,
  ) {}

  predictExecutionTime<C extends WorkerConfig>(taskId: string, inputBytes: number | undefined, configs: readonly C[], sla?: Sla): ExecutionTimeEstimate<C>[] {
    const factor = this.factor(taskId);
    return this.base.predictExecutionTime(taskId, inputBytes, configs, sla).map((estimate) => ({ config: estimate.config, ms: estimate.ms * factor }));
  }
  predictOutputSize(taskId: string, inputBytes: number | undefined, sla?: Sla): number {
    return this.base.predictOutputSize(taskId, inputBytes, sla);
  }
  predictRemoteDownloadTime(...args: Parameters<MetadataAccess['predictRemoteDownloadTime']>): number {
    return this.base.predictRemoteDownloadTime(...args);
  }
  predictUploadTime(...args: Parameters<MetadataAccess['predictUploadTime']>): number {
    return this.base.predictUploadTime(...args);
  }
  predictColdStartMs(tierMb: number, sla?: Sla): number {
    return this.base.predictColdStartMs(tierMb, sla);
  }
  predictWarmStartMs(tierMb: number, sla?: Sla): number {
    return this.base.predictWarmStartMs(tierMb, sla);
  }
}
