import * as z from 'zod';

/**
 * What an executor is invoked with. It stays small: the DAG is stored once per run (by key), and
 * only outputs within the inline budget travel here, as base64 Arrow IPC streams.
 */
export const InlineOutputSchema = z
  .object({
    taskId: z.string(),
    /** One base64 Arrow IPC stream per output of the task. */
    outputs: z.array(z.string()),
  })
  .strict();

export const ExecutorPayloadSchema = z
  .object({
    kind: z.literal('execute'),
    runId: z.string().min(1),
    /** The source task whose static schedule orders this executor's choices. */
    source: z.string(),
    taskId: z.string(),
    inline: z.array(InlineOutputSchema),
    /** Distinguishes executors in reports and logs. */
    executorId: z.string(),
    /** Epoch ms of the invoke call, so the executor can record its start-up time. */
    invokedAt: z.number().optional(),
    /** Planned mode: the plan's worker this executor is (absent: WUKONG mode). */
    worker: z.number().int().nonnegative().optional(),
    /** Planned mode: resume at this task, where the worker parked (absent: its first task). */
    resumeAt: z.string().optional(),
    /** Planned mode, a hedged start: which of the worker's two copies this is (each claims the worker first). */
    hedge: z.union([z.literal(0), z.literal(1)]).optional(),
    /** Planned mode: the worker's memory tier; Lambda invokes that tier's function. */
    memoryMb: z.number().int().positive().optional(),
  })
  .strict();

export type InlineOutput = z.infer<typeof InlineOutputSchema>;
export type ExecutorPayload = z.infer<typeof ExecutorPayloadSchema>;
