import * as z from 'zod';
import { DagSpecSchema } from './dag-schema.js';
import { PlanSchema } from './annotated-dag.js';
import { WukongOptionsSchema } from './wukong-options.js';
import type { ScheduleGraph } from './graph-view.js';

/** What the submitter stores once per run under `runKeys(runId).spec`; executors load it by key. */
export const RunSpecSchema = z
  .object({
    version: z.literal(1),
    runId: z.string(),
    dag: DagSpecSchema,
    wukong: WukongOptionsSchema,
    /** Executors report finished tasks to the client at most this often (ms); 0 disables. */
    progressIntervalMs: z.number().nonnegative(),
    /** Planned mode: where each task runs and with which optimizations (absent: WUKONG mode). */
    plan: PlanSchema.optional(),
    /** A task whose op has not returned after this long fails the run (absent: no task timeout). */
    taskTimeoutMs: z.number().positive().optional(),
    /**
     * When the client gives up on the run (epoch ms); an executor's store calls do not wait past
     * it (runtime/store-bounds.ts). Absent: the per-call timeout alone bounds them.
     */
    deadlineAt: z.number().positive().optional(),
    /** Planned mode: a worker that waited this long for an input parks (default DEFAULT_PARK_AFTER_MS). */
    parkAfterMs: z.number().nonnegative().optional(),
    /**
     * A run resumed from a result cache: the hits whose outputs the client put in the intermediate
     * store before invoking anyone (those the tasks that run read). A plan then covers only the
     * tasks that run; absent, it covers every task.
     */
    fromCache: z.array(z.string()).optional(),
  })
  .strict();

export type RunSpec = z.infer<typeof RunSpecSchema>;

/**
 * How long a planned worker waits for a missing input before it parks: about a warm re-invocation
 * (an Invoke API call ~50 ms plus a warm start ~25 ms, DESIGN.md §6) plus a fetch of the run spec,
 * with a margin, since a parked worker must also store and later refetch its held outputs.
 */
export const DEFAULT_PARK_AFTER_MS = 500;

/**
 * What an executor parses when it loads a run: the envelope strictly, the DAG as stored. The
 * submitter validated the DAG before storing it, and re-checking 100,000 tasks in every executor
 * thread or container would cost more than running small ones.
 */
export const StoredRunSpecSchema = RunSpecSchema.extend({
  dag: z.custom<RunSpec['dag']>((value) => typeof value === 'object' && value !== null && Array.isArray((value as { tasks?: unknown }).tasks)),
});

/** The DAG as an executor needs it: the graph, each task's op and args, and its input refs. */
export interface RunDag extends ScheduleGraph {
  task(taskId: string): { readonly id: string; readonly op: string; readonly args?: Record<string, unknown> | undefined };
  inputRefs(taskId: string): readonly { readonly taskId: string; readonly output: number }[];
  sources(): readonly string[];
}
