import * as z from 'zod';
import { DagSpecSchema, TaskIdSchema } from './dag-schema.js';
import { ownRecord } from './own-record.js';

/**
 * The planner's output (DESIGN.md §3, thesis Fig. 9-11): the DAG plus, for every task, the worker
 * that runs it and the optimizations to apply, and for every worker its memory tier. zod is the
 * source of truth for the format; ./validate-plan.ts checks what a schema cannot (every task
 * assigned, tiers available, prewarm and order consistent).
 */

/** A worker: one logical executor, invoked once (re-invoked only after it parks). */
export const WorkerIdSchema = z.number().int().nonnegative().max(9_999_999);

export const TaskAnnotationSchema = z
  .object({
    worker: WorkerIdSchema,
    /** Fetch this task's remote inputs while the worker still computes the task before it. */
    preload: z.boolean().default(false),
    /** Workers to invoke (warm up) when this task starts, so their cold starts overlap it. */
    prewarm: z.array(WorkerIdSchema).default([]),
    /**
     * A consumer on another worker that finds this task's output missing may re-run this task
     * itself when this task's inputs are in its memory (identical result; not stored twice).
     */
    dup: z.boolean().default(false),
    /**
     * Position in plan order: each worker runs its tasks by increasing order (ties: the DAG's
     * topological order). Must grow along every edge. Absent on every task: topological order.
     */
    order: z.number().int().nonnegative().optional(),
    /**
     * How long the worker may wait for this task's remote inputs before it parks (ms); 0 parks at
     * once. Planners set it from the predicted wait (src/plan/park-threshold.ts), and planDag does
     * for a plan that sets it on no task. Absent: the run's `parkAfterMs`.
     */
    parkAfterMs: z.number().nonnegative().finite().optional(),
  })
  .strict();

export const WorkerSpecSchema = z
  .object({
    memoryMb: z.number().int().min(128).max(10_240),
    vcpu: z.number().positive().max(6),
  })
  .strict();

export const PredictionSchema = z
  .object({
    makespanMs: z.number().nonnegative().finite(),
    costUsd: z.number().nonnegative().finite(),
  })
  .catchall(z.number().finite());

/**
 * A drift trigger (thesis: re-plan during a run, without waiting for a stage to end): once at least
 * `minTasks` tasks have finished and their observed / predicted compute time (summed over them) is
 * at least `ratio` or at most 1 / `ratio`, the client re-plans every task not yet started, with the
 * times observed so far (src/plan/replan.ts). Tasks running then finish where they are; their
 * workers stop at that task boundary and are handed workers of the new plan. Fires once per run.
 */
export const ReplanOnDriftSchema = z
  .object({
    ratio: z.number().gt(1).max(1000),
    minTasks: z.number().int().min(1).max(1_000_000),
    /**
     * The new plan must be forecast to finish the rest at least this fraction sooner than the run's
     * plan, or the run keeps its plan: the forecast does not price the switch itself (workers
     * retired at their task boundary, new ones started). Default DEFAULT_DRIFT_MIN_GAIN.
     */
    minGain: z.number().min(0).max(1).optional(),
  })
  .strict();
export const DEFAULT_DRIFT_MIN_GAIN = 0.1;
export type ReplanOnDrift = z.infer<typeof ReplanOnDriftSchema>;

/**
 * What a plan's forecast was priced from (`wukong plan` records it): `simulate` compares it with
 * what the simulation prices from, so a forecast made for other costs (embedded-run history, say,
 * simulated under the aws profile) is named as the reason for the gap rather than latency spread.
 */
export const PlanPricedFromSchema = z
  .object({
    /** The cost profile whose rates and op cost models priced the plan (`plan --profile`); absent: the predictor's history, hints and defaults. */
    profile: z.string().min(1).max(10_000).optional(),
    /** Where the figures came from, as `plan` printed it on its costs line. */
    description: z.string().min(1).max(10_000),
  })
  .strict();

export const PlanSchema = z
  .object({
    algorithm: z.string().min(1).max(200),
    /** The SLA the plan was made for, in text form (`avg`, `median`, `p90`). */
    sla: z.string().min(1).max(20),
    tasks: ownRecord(TaskIdSchema, TaskAnnotationSchema),
    /** Worker id (decimal string, as JSON keys are) -> its configuration. */
    workers: z.record(z.string().regex(/^\d{1,7}$/, 'worker ids are non-negative integers'), WorkerSpecSchema),
    predicted: PredictionSchema.optional(),
    /**
     * Re-planning points (thesis: re-plan during a run): after the stage a named task closes has
     * run (every task no deeper than it, depth = longest path from a source), the rest of the DAG
     * is planned again with the task times observed so far (src/plan/replan.ts); its workers then
     * follow the new plan. Each point is a barrier: no deeper task starts before the stage ends.
     */
    replanAfter: z.array(TaskIdSchema).max(1000).optional(),
    replanOnDrift: ReplanOnDriftSchema.optional(),
    /**
     * Hedged starts: the client invokes each start worker that someone waits for twice, and the
     * copy whose handler begins first claims the worker (the other stops), so the run waits for
     * the faster of two cold starts (src/scheduler/planned-start.ts). Planners set it when the
     * platform's cold starts vary (a wide start waits for its slowest); absent: false.
     */
    hedgeStarts: z.boolean().optional(),
    /**
     * Workers whose function (memory tier) the client pre-warms at the start of the run: after its
     * start calls, one prewarm Invoke per listed worker that a producer invokes later (not a start
     * worker). Each leaves an idle environment of that tier (billed for its start-up) that a worker
     * invoked on the tier later starts warm on, if it is idle by then (src/scheduler/planned-start.ts
     * startPrewarms). No built-in planner sets it yet: the estimator does not model it.
     */
    prewarmAtStart: z.array(WorkerIdSchema).max(1_000_000).optional(),
    /**
     * The shared estimator's forecast per task: [compute start, compute end] in ms from the
     * client's first invoke. Reports draw it beside what happened (plan vs actual).
     */
    schedule: ownRecord(TaskIdSchema, z.tuple([z.number().nonnegative().finite(), z.number().nonnegative().finite()])).optional(),
    /** What `predicted` was priced from; absent in plan files written before it was recorded, and in plans made in-process. */
    pricedFrom: PlanPricedFromSchema.optional(),
  })
  .strict();

export const AnnotatedDagSchema = z
  .object({
    dag: DagSpecSchema,
    plan: PlanSchema,
  })
  .strict();

export type TaskAnnotation = z.infer<typeof TaskAnnotationSchema>;
/** What a planner may return per task: defaults (no preload, no prewarm, no dup) may be left out. */
export type TaskAnnotationInput = z.input<typeof TaskAnnotationSchema>;
export type WorkerSpec = z.infer<typeof WorkerSpecSchema>;
export type Prediction = z.infer<typeof PredictionSchema>;
export type PlanPricedFrom = z.infer<typeof PlanPricedFromSchema>;
export type Plan = z.infer<typeof PlanSchema>;
export type AnnotatedDag = z.infer<typeof AnnotatedDagSchema>;

/** Whether a parsed JSON document is an annotated DAG rather than a bare DAG. */
export function looksAnnotated(json: unknown): boolean {
  return typeof json === 'object' && json !== null && 'plan' in json && 'dag' in json;
}
