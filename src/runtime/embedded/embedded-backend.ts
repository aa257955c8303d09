import { busyBetween, busySnapshot, poolRecordOf, recordPoolBusy } from './pool-busy-record.js';
import type { MetadataLocation } from '../../metadata/metadata-location.js';
import { withCoordinatorName } from '../store-name.js';
import { CLOSE_WAIT_MS, settleWithin } from '../settle-within.js';
import { runKeyPrefix } from '../../storage/coordinator.js';
import { MemoryCoordinator } from '../../storage/memory/memory-coordinator.js';
import { MemoryIntermediateStore } from '../../storage/memory/memory-intermediate-store.js';
import { SharedFanInCoordinator } from '../../storage/memory/shared-fan-in-coordinator.js';
import { systemClock } from '../clock.js';
import { runKeys } from '../keys.js';
import { executeRun, newRunId, type RunOutcome, type RunRequest } from '../run-client.js';
import { coordinatorIsHostLocal, type StoreConfig } from '../store-config.js';
import { createExecutorStores } from '../store-factory.js';
import { runFanInTable } from './run-fan-in-table.js';
import { ThreadPool } from './thread-pool.js';

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
 * opened by each thread itself, as a Lambda container would.
 */
export async function runEmbedded(request: RunRequest, options: EmbeddedOptions): Promise<EmbeddedOutcome> {
  // Fan-in marks of the run are made in shared memory by whichever thread marks (the client's
  // included), the rest of the memory coordinator is served by this thread.
  const fanIns = new SharedFanInCoordinator(new MemoryCoordinator({ ttlSeconds: options.stores.ttlSeconds }));
  const memory = {
    store: new MemoryIntermediateStore({ ttlSeconds: options.stores.ttlSeconds }),
    coordinator: fanIns,
  };
  const runId = request.runId ?? newRunId();
  // The client uses the same stores the executors use: memory here, or its own Redis/S3 clients.
  const clientStores = await createExecutorStores(options.stores, memory);
  let pool: ThreadPool | undefined;
  const warn = onceEach(options.onWarning ?? ((message) => process.stderr.write(`wukong: warning: ${message}\n`)));
  try {
    pool = new ThreadPool({
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
      onGiveUp: (payload, reason) => {
        void clientStores.coordinator.send(
          runKeys(payload.runId).clientInbox,
          JSON.stringify({ kind: 'failed', taskId: payload.taskId, executorId: payload.executorId, message: `${reason}; giving up on task ${payload.taskId}` }),
        );
      },
    });
    const threads = pool;
    // Threads load their modules before the run starts, as deployed Lambda functions exist before
    // a job is submitted; their own cold starts are still counted per executor.
    const poolStartAt = performance.now();
    await threads.ready();
    const poolStartupMs = performance.now() - poolStartAt;
    // Only a run that records metadata writes a pool record (./pool-busy-record.ts).
    const busyAtStart = options.metadata ? busySnapshot(threads) : undefined;
    if (coordinatorIsHostLocal(options.stores)) {
      const table = runFanInTable(request, runId, options.stores.ttlSeconds);
      fanIns.use(table);
      threads.useFanInTable(table?.init);
    }
    const outcome = await executeRun({ ...request, runId }, {
      coordinator: clientStores.coordinator,
      store: clientStores.store,
      invoker: threads,
      clock: systemClock,
      ...withCoordinatorName(options.stores),
      executorsBusy: () => !threads.isIdle(),
      // A memory coordinator's inbox is written by this process's threads alone.
      trustedInbox: coordinatorIsHostLocal(options.stores),
    });
    if (options.metadata && busyAtStart) {
      const poolRecord = poolRecordOf(outcome, options.threads, busyBetween(busyAtStart, busySnapshot(threads)), Date.now());
      if (poolRecord) await recordPoolBusy(options.metadata, poolRecord, warn);
    }
    if (!options.keepIntermediates) {
      const keys = runKeys(outcome.runId);
      const cleanup = async (): Promise<void> => {
        await clientStores.store.deletePrefix(keys.outputPrefix);
        await clientStores.coordinator.deletePrefix(runKeyPrefix(outcome.runId));
      };
      // A failed run's own error says more than the cleanup's failure on the same broken store
      // would; every key has a TTL, so what cannot be removed now expires.
      if (outcome.ok) await cleanup();
      else await settleWithin(cleanup(), CLOSE_WAIT_MS);
    }
    return { ...outcome, coldStarts: threads.coldStarts, retries: threads.retries, poolStartupMs };
  } finally {
    await pool?.close();
    // Memory parts of clientStores are `memory` itself; closing twice is harmless. A client of a
    // store that stopped answering is left behind after CLOSE_WAIT_MS (the CLI exits anyway).
    await settleWithin(Promise.allSettled([clientStores.store.close(), clientStores.coordinator.close()]), CLOSE_WAIT_MS);
    await memory.store.close();
    await memory.coordinator.close();
  }
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
