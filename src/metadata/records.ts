import * as z from 'zod';
import { TaskIdSchema } from '../model/dag-schema.js';
import { MAX_RECORDED_BYTES, MAX_RECORDED_DURATION_MS, MAX_RECORDED_MEMORY_MB, MAX_RECORDED_VCPU } from '../model/limits.js';

/**
 * Metadata records (DESIGN.md §3; thesis Fig. 6-7): what executors write before they stop, and
 * what the predictor learns from. These schemas are the single source of truth for the stored
 * format (file lines, Redis list entries, `wukong metadata export`).
 *
 * Unknown keys are dropped rather than refused, so history written by a newer version (with extra
 * fields) still loads here. `at` is epoch ms when the thing measured ended.
 */

const RunIdSchema = z.string().min(1).max(256);
const EpochMsSchema = z.number().int().nonnegative();
/** Durations and byte counts are bounded (src/model/limits.ts): an absurd record is skipped, not summed to Infinity. */
const DurationMsSchema = z.number().nonnegative().max(MAX_RECORDED_DURATION_MS);
const ByteCountSchema = z.number().int().nonnegative().max(MAX_RECORDED_BYTES);

/** The worker a task ran on: its memory tier and the vCPUs that tier buys. */
export const WorkerConfigSchema = z.object({
  memoryMb: z.number().positive().max(MAX_RECORDED_MEMORY_MB),
  vcpu: z.number().positive().max(MAX_RECORDED_VCPU),
});

/** One task execution. `execMs` is compute only: no input download, no output upload. */
export const TaskRecordSchema = z.object({
  type: z.literal('task'),
  runId: RunIdSchema,
  /** A DAG task id (same rules: it becomes part of a Redis key in the Redis metadata store). */
  taskId: TaskIdSchema,
  op: z.string().min(1),
  /** See ./task-key.ts: op + shape-determining args + input shapes; the same across DAGs. */
  taskKey: z.string().min(1),
  worker: WorkerConfigSchema,
  execMs: DurationMsSchema,
  inputBytes: ByteCountSchema,
  outputBytes: ByteCountSchema,
  at: EpochMsSchema,
  /**
   * The op returned a promise: execMs is its wall time to settling, which holds waits and (in a
   * shared process) what else ran meanwhile, rather than CPU of its own. Absent: it ran throughout.
   */
  awaited: z.literal(true).optional(),
  /**
   * A synchronous op's CPU time on its thread (embedded runs on Linux; see
   * runtime/embedded/thread-cpu-clock.ts). On cores shared by more threads than they have, execMs
   * also holds the op's waits for a core; this does not. Absent: not measured.
   */
  cpuMs: DurationMsSchema.optional(),
});

/** A store kind registered in storage/store-kinds.ts (memory, redis, s3, or one added there). */
export const StoreKindSchema = z.string().min(1).max(100);
export const TransferDirectionSchema = z.enum(['get', 'put']);

/** One object moved to (`put`) or from (`get`) an intermediate store. */
export const TransferRecordSchema = z.object({
  type: z.literal('transfer'),
  runId: RunIdSchema,
  store: StoreKindSchema,
  direction: TransferDirectionSchema,
  bytes: ByteCountSchema,
  ms: DurationMsSchema,
  at: EpochMsSchema,
});

/** One executor start: from the invoke call to the handler running, cold (new environment) or warm. */
export const InvokeRecordSchema = z.object({
  type: z.literal('invoke'),
  runId: RunIdSchema,
  /** The function's memory tier in MB. */
  tier: z.number().int().positive().max(MAX_RECORDED_MEMORY_MB),
  cold: z.boolean(),
  startupMs: DurationMsSchema,
  at: EpochMsSchema,
});

/**
 * One embedded run's busy time (the `local` profile's per-task overhead is fitted from these): the
 * event loops' active time of the executor threads and the client thread from the threads being
 * ready to the run's end, and how much of it the ops' own synchronous runs took. The rest is the
 * runtime's work per task (dispatch, invocations, fan-in marks, encoding, store calls, reports).
 * Work outside the event loops (a native engine's threads, as DuckDB's) is not in it.
 */
export const PoolRecordSchema = z.object({
  type: z.literal('pool'),
  runId: RunIdSchema,
  threads: z.number().int().positive(),
  /** Task executions (retries and duplicates included). */
  tasks: z.number().int().positive(),
  busyMs: DurationMsSchema,
  /**
   * The process's CPU time (user + system, every thread) over the same span. Where the threads
   * outnumber the cores, an event loop stays "active" while the OS has it waiting for a core, so
   * the busy time counts that wait as work (tr small on 2 cores: busy 220-363 ms against 200-227
   * ms of CPU for a 106-174 ms makespan); the CPU time does not. Absent in records written before
   * it existed.
   */
  cpuMs: DurationMsSchema.optional(),
  /**
   * CPU time of the client's thread and the executor threads over the same span (Linux), without
   * the process's other threads: V8's compilers and garbage collectors, libuv's pool. With
   * syncOpCpuMs it splits cpuMs three ways: the ops, the runtime's own work per task, and V8's.
   */
  threadsCpuMs: DurationMsSchema.optional(),
  /** The synchronous ops' CPU time (TaskRecordSchema's cpuMs, summed); present with threadsCpuMs. */
  syncOpCpuMs: DurationMsSchema.optional(),
  /** execMs summed over the tasks whose op returned without awaiting (it ran on its thread's CPU throughout). */
  syncOpMs: DurationMsSchema,
  /** execMs summed over the tasks whose op awaited (sleeps, table ops in DuckDB): how much of it was busy is unknown. */
  awaitedOpMs: DurationMsSchema,
  /**
   * The awaiting ops' CPU time as far as it can be told (TaskTimingSchema's awaitedCpuMs, summed),
   * when every one was measured; present with threadsCpuMs. At least their own CPU: an op that
   * does not declare its time a wait counts its thread's CPU while it ran, neighbours' work too.
   */
  awaitedOpCpuMs: DurationMsSchema.optional(),
  at: EpochMsSchema,
});

export const MetadataRecordSchema = z.discriminatedUnion('type', [TaskRecordSchema, TransferRecordSchema, InvokeRecordSchema, PoolRecordSchema]);

export type WorkerConfig = z.infer<typeof WorkerConfigSchema>;
export type StoreKind = z.infer<typeof StoreKindSchema>;
export type TransferDirection = z.infer<typeof TransferDirectionSchema>;
export type TaskRecord = z.infer<typeof TaskRecordSchema>;
export type TransferRecord = z.infer<typeof TransferRecordSchema>;
export type InvokeRecord = z.infer<typeof InvokeRecordSchema>;
export type PoolRecord = z.infer<typeof PoolRecordSchema>;
export type MetadataRecord = z.infer<typeof MetadataRecordSchema>;
export type MetadataRecordType = MetadataRecord['type'];

export const METADATA_RECORD_TYPES: readonly MetadataRecordType[] = ['task', 'transfer', 'invoke', 'pool'];
