import { z } from 'zod';
import { DagSpecSchema } from '../dag/schema.js';
import type { ScheduleGraph } from '../scheduler/graph-view.js';

/** What the submitter stores once per run under `runKeys(runId).spec`; executors load it by key. */
export const RunSpecSchema = z
  .object({
    version: z.literal(1),
    runId: z.string(),
    dag: DagSpecSchema,
    wukong: z
      .object({
        fanOutClustering: z.boolean(),
        fanInClustering: z.boolean(),
        delayedIo: z.boolean(),
        thresholdBytes: z.number().int().nonnegative(),
        inlineBudgetBytes: z.number().int().nonnegative(),
      })
      .strict(),
    /** Executors report finished tasks to the client at most this often (ms); 0 disables. */
    progressIntervalMs: z.number().nonnegative(),
  })
  .strict();

export type RunSpec = z.infer<typeof RunSpecSchema>;

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
