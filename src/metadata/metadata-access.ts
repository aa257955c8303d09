import type { Sla } from './sla.js';
import type { StoreKind, WorkerConfig } from './records.js';

/**
 * What planners ask of past runs (DESIGN.md §3, thesis Fig. 8). Synchronous: the planner calls it
 * in tight loops, so an implementation loads its history up front (see MetadataPredictor). Every
 * `sla` defaults to the implementation's default (MetadataPredictor: median).
 */
export interface MetadataAccess {
  /** Execution time (compute only) of `taskId` on each config, in the configs' order. */
  predictExecutionTime<C extends WorkerConfig>(taskId: string, inputBytes: number | undefined, configs: readonly C[], sla?: Sla): ExecutionTimeEstimate<C>[];
  /** Total output bytes of `taskId` given its total input bytes. */
  predictOutputSize(taskId: string, inputBytes: number | undefined, sla?: Sla): number;
  /** ms to download `bytes` from the intermediate store (`store`: which kind; default: the usual one). */
  predictRemoteDownloadTime(bytes: number, sla?: Sla, store?: StoreKind): number;
  /** ms to upload `bytes` to the intermediate store. */
  predictUploadTime(bytes: number, sla?: Sla, store?: StoreKind): number;
  /** ms from invoke to handler running on a new environment of `tierMb`. */
  predictColdStartMs(tierMb: number, sla?: Sla): number;
  /** ms from invoke to handler running on a reused environment of `tierMb`. */
  predictWarmStartMs(tierMb: number, sla?: Sla): number;
}

export interface ExecutionTimeEstimate<C extends WorkerConfig = WorkerConfig> {
  readonly config: C;
  readonly ms: number;
}

/**
 * What the predictor knows of a task of the DAG being planned (built by the caller from its DAG;
 * this module does not depend on src/dag).
 */
export interface TaskDescriptor {
  readonly taskId: string;
  readonly op: string;
  /** ./task-key.ts `taskKeyOf`, computed as the executors compute it. */
  readonly taskKey: string;
  /** Total input bytes when known ahead; used when a call passes `inputBytes` undefined. */
  readonly inputBytes?: number | undefined;
  /**
   * Total output bytes when known ahead from the ops' shape declarations (exact, not a guess; see
   * ./dag-descriptors.ts). The predictor answers output sizes from it after the task's and its
   * taskKey's history, and uses it to place a task on its op's size curve.
   */
  readonly outputBytes?: number | undefined;
  /** The DAG's priors (`hints` in DAG JSON); `durationMs` is taken as measured on one full vCPU. */
  readonly hints?: { readonly durationMs?: number | undefined; readonly outputBytes?: number | undefined } | undefined;
}
