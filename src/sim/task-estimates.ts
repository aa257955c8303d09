import type { CostProfile } from '../cost/profile.js';
import { cpuSlowdown } from '../cost/profile.js';

/**
 * What the simulator needs to know about each task: how long it runs at a memory tier and how
 * many bytes it outputs. The default reads the DAG (below); the metadata predictor plugs in
 * through the same port.
 */
export interface TaskEstimator {
  /** Run time of `taskId` on a function of `memoryMb` (the tier's CPU share already applied). */
  execMs(taskId: string, memoryMb: number): number;
  /** Total bytes of the task's outputs. */
  outputBytes(taskId: string): number;
  /** Each output's share of the total (summing to 1), when known (absent: split evenly; see OutputSizes). */
  outputShares?(taskId: string): readonly number[] | undefined;
  /** Whether the task occupies a CPU core while it runs (absent: every task does). */
  usesCpu?(taskId: string): boolean;
  /** Bytes the task reads from files or S3 objects (a table.read), for the report's sources read. */
  sourceBytes?(taskId: string): number | undefined;
}

/** `synthetic.work` in sleep mode waits rather than computes: no core, no CPU slowdown. */
export function waitsRatherThanComputes(task: EstimatedTask): boolean {
  return task.op === 'synthetic.work' && task.args?.mode === 'sleep';
}

/** A task as the default estimator reads it (a DAG JSON task; `Dag`/RunDag tasks fit). */
export interface EstimatedTask {
  readonly op: string;
  readonly args?: Readonly<Record<string, unknown>> | undefined;
  readonly hints?: { readonly durationMs?: number | undefined; readonly outputBytes?: number | undefined } | undefined;
}

/** Run time assumed for a task with no `synthetic.work` args and no `hints.durationMs`. */
export const DEFAULT_TASK_EXEC_MS = 10;
/** Output size assumed for a task with no size in its args and no `hints.outputBytes`. */
export const DEFAULT_TASK_OUTPUT_BYTES = 1024;
/** synthetic.work's own default `outputBytes` (src/ops/synthetic/work.ts). */
const SYNTHETIC_WORK_DEFAULT_OUTPUT_BYTES = 8;

/**
 * The default estimator, from the DAG itself:
 * - time: `synthetic.work` args.ms, else `hints.durationMs`, else DEFAULT_TASK_EXEC_MS (10 ms);
 * - bytes: `synthetic.work` args.outputBytes (default 8), `synthetic.bytes` args.bytes, else
 *   `hints.outputBytes`, else DEFAULT_TASK_OUTPUT_BYTES (1 KiB).
 * Times are taken as measured on one full vCPU and are CPU-bound, so a tier with less than one
 * vCPU stretches them (profile `cpuSlowdown`); `synthetic.work` in `sleep` mode waits rather than
 * computes, so its time does not stretch.
 */
export function createDagTaskEstimator(dag: { task(taskId: string): EstimatedTask }, profile: CostProfile): TaskEstimator {
  const slowdownByMemory = new Map<number, number>();
  const slowdownAt = (memoryMb: number): number => {
    let slowdown = slowdownByMemory.get(memoryMb);
    if (slowdown === undefined) {
      slowdown = cpuSlowdown(profile, memoryMb);
      slowdownByMemory.set(memoryMb, slowdown);
    }
    return slowdown;
  };
  return {
    execMs(taskId, memoryMb) {
      const task = dag.task(taskId);
      const args = task.args;
      if (task.op === 'synthetic.work' && args && typeof args.ms === 'number') {
        return args.mode === 'sleep' ? args.ms : args.ms * slowdownAt(memoryMb);
      }
      return (task.hints?.durationMs ?? DEFAULT_TASK_EXEC_MS) * slowdownAt(memoryMb);
    },
    usesCpu(taskId) {
      return !waitsRatherThanComputes(dag.task(taskId));
    },
    outputBytes(taskId) {
      const task = dag.task(taskId);
      const args = task.args;
      if (task.op === 'synthetic.work') {
        return typeof args?.outputBytes === 'number' ? args.outputBytes : SYNTHETIC_WORK_DEFAULT_OUTPUT_BYTES;
      }
      if (task.op === 'synthetic.bytes' && typeof args?.bytes === 'number') return args.bytes;
      return task.hints?.outputBytes ?? DEFAULT_TASK_OUTPUT_BYTES;
    },
  };
}
