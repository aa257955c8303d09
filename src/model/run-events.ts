import * as z from 'zod';

/**
 * What executors tell the client through the run's inbox (one JSON message each). The client
 * follows them to show progress, gather outputs, fail fast, and build the run report.
 */
export const TaskTimingSchema = z.object({
  taskId: z.string(),
  op: z.string(),
  executorId: z.string(),
  /** Epoch ms when the executor began fetching inputs / running the op / finished the op. */
  readyAt: z.number(),
  startAt: z.number(),
  endAt: z.number(),
  execMs: z.number(),
  inputBytes: z.number(),
  outputBytes: z.number(),
  /** Time spent fetching this task's remote inputs and storing its outputs. */
  getMs: z.number(),
  putMs: z.number(),
  bytesRead: z.number(),
  bytesWritten: z.number(),
  /** Bytes the task's op read from data sources (files, S3 objects: table.read); absent for none. */
  sourceBytes: z.number().optional(),
  /**
   * Planned mode: a duplicate run of another worker's task (task-dup). Its own worker runs and
   * reports it too, so counts of tasks skip duplicates.
   */
  dup: z.boolean().optional(),
  /** The op returned a promise: its execMs holds waits (and neighbours' work), not only its own CPU. */
  awaited: z.boolean().optional(),
  /** A synchronous op's CPU time on its thread, where the backend measures it (DriverDeps.opCpuMs). */
  cpuMs: z.number().optional(),
  /**
   * An awaiting op's CPU time on its thread as far as it can be told, where measured: for an op
   * that declares its time a wait (a sleep after its work), its synchronous part; else its
   * thread's CPU from its call until it settled, which holds the thread's other work meanwhile.
   */
  awaitedCpuMs: z.number().optional(),
});

export const ExecutorReportSchema = z.object({
  executorId: z.string(),
  startTaskId: z.string(),
  startedAt: z.number(),
  endedAt: z.number(),
  /** First executor on this thread/container (a cold start) or a reused one. */
  cold: z.boolean(),
  /** Planned mode: the plan's worker id this executor was (one worker may have several incarnations). */
  worker: z.number().optional(),
  /** Memory tier, when the backend has one (Lambda); 0 for embedded threads. */
  memoryMb: z.number(),
  cpuMs: z.number(),
  peakMemoryBytes: z.number(),
  invocations: z.number(),
  /** Ids of the executors this one invoked: the client waits for each of their reports. */
  invoked: z.array(z.string()),
  tasks: z.array(TaskTimingSchema),
});

export const RunEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('progress'), executorId: z.string(), done: z.array(z.string()) }),
  z.object({ kind: z.literal('output'), taskId: z.string() }),
  z.object({ kind: z.literal('failed'), taskId: z.string(), executorId: z.string(), message: z.string() }),
  z.object({ kind: z.literal('executor'), report: ExecutorReportSchema }),
]);

export type TaskTiming = z.infer<typeof TaskTimingSchema>;
export type ExecutorReport = z.infer<typeof ExecutorReportSchema>;
export type RunEvent = z.infer<typeof RunEventSchema>;

/** A task's timing before anything is measured: every instant `nowMs`, every figure 0. */
export function emptyTaskTiming(taskId: string, op: string, executorId: string, nowMs: number): TaskTiming {
  return { taskId, op, executorId, readyAt: nowMs, startAt: nowMs, endAt: nowMs, execMs: 0, inputBytes: 0, outputBytes: 0, getMs: 0, putMs: 0, bytesRead: 0, bytesWritten: 0 };
}
