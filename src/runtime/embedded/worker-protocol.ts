import type { ExecutorPayload } from '../payload.js';
import type { MetadataLocation } from '../../metadata/metadata-location.js';
import type { StoreConfig } from '../store-config.js';
import type { RunFanInTableMessage } from './run-fan-in-table.js';

/** Messages between the thread pool (main thread) and an executor thread. */
/** One invocation for a thread to run. */
export interface ExecuteJob {
  readonly payload: ExecutorPayload;
  readonly cold: boolean;
  readonly jobId: number;
}

export type ToWorker =
  /**
   * Invocations to run, in order (one message for all the pool hands a thread at once), as the
   * text of ./execute-jobs-text.ts: the main thread writes text in a fraction of the time it takes
   * to structure-clone the same objects (payloads travel as JSON to Lambda anyway).
   */
  | { readonly type: 'execute'; readonly jobsText: string }
  /** The init of a thread started early (./early-threads.ts), before any execute. */
  | { readonly type: 'init'; readonly init: WorkerInit }
  /** The fan-in table of the run whose executors come next (none: every mark goes to the coordinator). */
  | { readonly type: 'fan-in-table'; readonly table: RunFanInTableMessage | undefined };
export type FromWorker =
  /** `tid`: the thread's OS id, where the host has one (the pool reads its CPU time by it). */
  | { readonly type: 'ready'; readonly tid?: number }
  /** An invocation of a further executor (on the store port instead, when the thread has one). */
  | { readonly type: 'invoke'; readonly payload: ExecutorPayload }
  /** An invocation has ended (on the store port instead, when the thread has one). */
  /**
   * `released`: the executor has run its tasks and frees its slot, while it still writes its
   * metadata and report (the job stays the pool's to retry should the thread die); else it ended.
   */
  | { readonly type: 'done'; readonly jobId: number; readonly runMs: number; readonly released?: boolean }
  /** Something an executor could not do that does not fail the run (e.g. metadata not recorded). */
  | { readonly type: 'warning'; readonly message: string };

export interface WorkerInit {
  readonly stores: StoreConfig;
  /** Port to the main thread's in-memory stores (present when `stores` uses memory). */
  readonly storePort?: import('node:worker_threads').MessagePort;
  /** The main thread's memory store's change count, in shared memory (with `storePort`). */
  readonly storeChanges?: Int32Array;
  /** This thread's count of puts posted to `storePort`, in shared memory (see put-tracker.ts). */
  readonly putsPosted?: Int32Array;
  readonly invokeConcurrency: number;
  /** Invocations the thread runs at once; more that arrive wait in the thread, in order. */
  readonly executorsPerThread: number;
  /** Where executors record metadata (file or Redis; a memory store would be thread-local). */
  readonly metadata?: MetadataLocation;
  /** User op modules (absolute paths) the thread loads, as the CLI did (see ops/load-op-modules.ts). */
  readonly opModules?: readonly string[];
  /** The clock this thread beats from its event loop (./thread-heartbeat.ts). */
  readonly heartbeat?: Float64Array;
  /** Where this thread writes the task whose op it calls (./thread-last-op.ts). */
  readonly lastOp?: SharedArrayBuffer;
}
