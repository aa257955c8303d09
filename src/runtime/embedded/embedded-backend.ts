import { availableParallelism } from 'node:os';
import { busyBetween, busySnapshot, poolRecordOf, recordPoolBusy } from './pool-busy-record.js';
import type { MetadataLocation } from '../../metadata/metadata-location.js';
import { withCoordinatorName } from '../store-name.js';
import { CLOSE_WAIT_MS, settleWithin } from '../settle-within.js';
import type { Coordinator } from '../../storage/coordinator.js';
import type { IntermediateStore } from '../../storage/intermediate-store.js';
import { MemoryCoordinator } from '../../storage/memory/memory-coordinator.js';
import { MemoryIntermediateStore } from '../../storage/memory/memory-intermediate-store.js';
import { SharedFanInCoordinator } from '../../storage/memory/shared-fan-in-coordinator.js';
import { systemClock } from '../clock.js';
import { runKeys } from '../keys.js';
import { executeRun, newRunId, type RunOutcome, type RunRequest } from '../run-client.js';
import { coordinatorIsHostLocal, intermediateIsHostLocal, type StoreConfig } from '../store-config.js';
import { createExecutorStores } from '../store-factory.js';
import { runFanInTable } from './run-fan-in-table.js';
import { runValueTable } from './run-value-table.js';
import type { SharedValueTable } from '../../storage/memory/shared-value-table.js';
import { ThreadPool } from './thread-pool.js';
import { removeRunState } from '../run-cleanup.js';

export const DEFAULT_EXECUTORS_PER_THREAD = 4;

export interface EmbeddedOptions {
  readonly threads: number;
  /** Executors each thread hosts at once (default 4). */
  readonly executorsPerThread?: number;
  readonly stores: StoreConfig;
  readonly invokeConcurrency: number;
  /** Where executors record metadata (file directory or Redis); none: nothing is recorded. */
  readonly metadata?: MetadataLocation;
  /** User op modules (absolute paths) the executor threads load. */
  readonly opModules?: readonly string[];
  /** Fault injection for tests (see ThreadPoolOptions.killAfterMs). */
  readonly killAfterMs?: (executorId: string, attempt: number) => number | undefined;
  /** Fault injection for tests (see ThreadPoolOptions.deliverTwice). */
  readonly deliverTwice?: (executorId: string) => boolean;
  /**
   * Called once per distinct warning of the executors (a metadata batch they could not record);
   * default: one `wukong: warning: ...` line on stderr each.
   */
  readonly onWarning?: (message: string) => void;
  /** Keep the run's keys and objects after it ends (default: removed). */
  readonly keepIntermediates?: boolean;
}

export interface EmbeddedOutcome extends RunOutcome {
  readonly coldStarts: number;
  readonly retries: number;
  /** Time the executor threads took to load before the run started (not in the makespan). */
  readonly poolStartupMs: number;
}

/**
 * The embedded backend (the default of `wukong submit`): executors are worker threads of this
 * process; memory stores live in this thread and are served to them. Redis and S3 stores are
 * opened by each thread itself, as a Lambda container would. One run: its threads start, run it
 * and end (see openEmbedded to keep them warm across runs).
 */
export async function runEmbedded(request: RunRequest, options: EmbeddedOptions): Promise<EmbeddedOutcome> {
  const backend = await openEmbedded(options);
  try {
    return await backend.run(request);
  } finally {
    await backend.close();
  }
}

/** Executor threads kept warm across runs, as deployed Lambda functions keep warm containers. */
export interface EmbeddedBackend {
  /** Runs one DAG; runs of one backend go one at a time (a second waits for the first). */
  run(request: RunRequest): Promise<EmbeddedOutcome>;
  /** Ends the threads and closes the stores; the process stays alive until this is called. */
  close(): Promise<void>;
}

/**
 * Starts the executor threads and opens the stores once, for as many runs as the caller makes: a
 * later run finds its threads warm, their modules loaded and their code optimized by V8 (a fresh
 * thread runs its first thousands of tasks in unoptimized code while V8 compiles it on the same
 * cores), and its executors start warm, as they would on a Lambda fleet kept busy.
 */
export async function openEmbedded(options: EmbeddedOptions): Promise<EmbeddedBackend> {
  // Fan-in marks of the run are made in shared memory by whichever thread marks (the client's
  // included), the rest of the memory coordinator is served by this thread. Keys are per run, so
  // one store serves every run of the backend, as one Redis would.
  const fanIns = new SharedFanInCoordinator(new MemoryCoordinator({ ttlSeconds: options.stores.ttlSeconds }));
  const memory = {
    store: new MemoryIntermediateStore({ ttlSeconds: options.stores.ttlSeconds }),
    coordinator: fanIns,
  };
  // The client uses the same stores the executors use: memory here, or its own Redis/S3 clients.
  const clientStores = await createExecutorStores(options.stores, memory);
  const warn = onceEach(options.onWarning ?? ((message) => process.stderr.write(`wukong: warning: ${message}\n`)));
  const closeStores = async (): Promise<void> => {
    // Memory parts of clientStores are `memory` itself; closing twice is harmless. A client of a
    // store that stopped answering is left behind after CLOSE_WAIT_MS (the CLI exits anyway).
    await settleWithin(Promise.allSettled([clientStores.store.close(), clientStores.coordinator.close()]), CLOSE_WAIT_MS);
    await memory.store.close();
    await memory.coordinator.close();
  };
  let threads: ThreadPool;
  try {
    threads = new ThreadPool({
      threads: options.threads,
      executorsPerThread: options.executorsPerThread ?? DEFAULT_EXECUTORS_PER_THREAD,
      stores: options.stores,
      memory,
      invokeConcurrency: options.invokeConcurrency,
      maxRetries: 2,
      onWarning: warn,
      ...(options.killAfterMs ? { killAfterMs: options.killAfterMs } : {}),
      ...(options.deliverTwice ? { deliverTwice: options.deliverTwice } : {}),
      ...(options.metadata ? { metadata: options.metadata } : {}),
      ...(options.opModules ? { opModules: options.opModules } : {}),
      onGiveUp: (payload, reason, culprit) => {
        // The task whose op ended or held the thread, where the thread told it; else the executor's first.
        const taskId = culprit ?? payload.taskId;
        const message = culprit === undefined ? `${reason}; giving up on task ${payload.taskId}` : reason;
        void clientStores.coordinator.send(runKeys(payload.runId).clientInbox, JSON.stringify({ kind: 'failed', taskId, executorId: payload.executorId, message }));
      },
    });
  } catch (error) {
    await closeStores();
    throw error;
  }
  const world: RunWorld = { options, threads, fanIns, values: memory.store, clientStores, warn };
  let previous: Promise<unknown> = Promise.resolve();
  let closing: Promise<void> | undefined;
  return {
    run(request) {
      if (closing) return Promise.reject(new Error('the embedded backend is closed'));
      const result = previous.then(() => runOnce(request, world));
      previous = result.catch(() => undefined);
      return result;
    },
    close() {
      closing ??= previous.then(async () => {
        await threads.close();
        await closeStores();
      });
      return closing;
    },
  };
}

interface RunWorld {
  readonly options: EmbeddedOptions;
  readonly threads: ThreadPool;
  readonly fanIns: SharedFanInCoordinator;
  /** The main thread's memory store, whose run outputs threads put and get in shared memory. */
  readonly values: MemoryIntermediateStore;
  readonly clientStores: { readonly store: IntermediateStore; readonly coordinator: Coordinator };
  readonly warn: (message: string) => void;
}

async function runOnce(request: RunRequest, { options, threads, fanIns, values, clientStores, warn }: RunWorld): Promise<EmbeddedOutcome> {
  const runId = request.runId ?? newRunId();
  // Threads load their modules before the run starts, as deployed Lambda functions exist before
  // a job is submitted; their own cold starts are still counted per executor.
  const poolStartAt = performance.now();
  await threads.ready();
  const poolStartupMs = performance.now() - poolStartAt;
  const countsAtStart = { coldStarts: threads.coldStarts, retries: threads.retries };
  // Only a run that records metadata writes a pool record (./pool-busy-record.ts).
  const busyAtStart = options.metadata ? busySnapshot(threads) : undefined;
  if (coordinatorIsHostLocal(options.stores)) {
    const table = runFanInTable(request, runId, options.stores.ttlSeconds);
    fanIns.use(table);
    threads.useFanInTable(table ? { runId, init: table.init } : undefined);
  }
  // The run's small outputs go in shared memory that every thread reads and writes; the tables of
  // earlier runs are dropped (what lives of them moves to the store's map).
  if (intermediateIsHostLocal(options.stores)) values.useSharedValues(valueTableOrNone(request, runId, options.stores.ttlSeconds, warn));
  const trustedInbox = coordinatorIsHostLocal(options.stores);
  threads.watchTaskTimeout(request.spec.taskTimeoutMs);
  const outcome = await executeRun({ ...request, runId }, {
    // A coordinator in this thread's memory cannot stop answering: the client calls it without
    // the per-call bound (a deadline entry and a closure on each of a run's thousands of receives).
    coordinator: trustedInbox ? fanIns : clientStores.coordinator,
    store: clientStores.store,
    invoker: threads,
    clock: systemClock,
    ...withCoordinatorName(options.stores),
    executorsBusy: () => !threads.isIdle(),
    executorsLive: () => threads.liveExecutors(),
    // A memory coordinator lives in this process, and its inbox is written by this process's threads alone.
    trustedInbox,
    // With a core left over beside the executor threads, the client reads reports as they come;
    // without, it reads them after the run, so as not to hold the threads up (TR large, issue 20).
    readReportsAsTheyCome: options.threads < availableParallelism(),
  }).finally(() => threads.watchTaskTimeout(undefined));
  if (options.metadata && busyAtStart) {
    const poolRecord = poolRecordOf(outcome, options.threads, busyBetween(busyAtStart, busySnapshot(threads)), Date.now());
    if (poolRecord) await recordPoolBusy(options.metadata, poolRecord, warn);
  }
  if (!options.keepIntermediates) await removeRunState(clientStores, outcome);
  // The run's table goes with its state; values kept (keepIntermediates) move to the store's map.
  values.useSharedValues(undefined);
  threads.endRun();
  return { ...outcome, coldStarts: threads.coldStarts - countsAtStart.coldStarts, retries: threads.retries - countsAtStart.retries, poolStartupMs };
}

/** `report` called once per distinct message (every executor of a run may hit the same failure). */
function onceEach(report: (message: string) => void): (message: string) => void {
  const seen = new Set<string>();
  return (message) => {
    if (seen.has(message)) return;
    seen.add(message);
    report(message);
  };
}

/**
 * The run's shared value table, or none when the host refuses its arena (a SharedArrayBuffer of up
 * to 256 MiB of address space, e.g. under a strict overcommit limit): every put then takes the
 * message path to the main thread's store, slower but the same values.
 */
function valueTableOrNone(request: RunRequest, runId: string, ttlSeconds: number, warn: (message: string) => void): SharedValueTable | undefined {
  try {
    return runValueTable(request, runId, ttlSeconds);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    warn(`small outputs go through the main thread: no shared value table (${error.message})`);
    return undefined;
  }
}
