import { z } from 'zod';

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
  })
  .strict();

export type InlineOutput = z.infer<typeof InlineOutputSchema>;
export type ExecutorPayload = z.infer<typeof ExecutorPayloadSchema>;
