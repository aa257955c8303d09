import { memoryUsage } from 'node:process';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { systemClock } from '../clock.js';
import type { DriverDeps } from '../executor-driver.js';
import { handleInvocation } from '../invocation.js';
import { silentLogger } from '../../model/logger.js';
import { RunCache } from '../run-cache.js';
import { createExecutorStores } from '../store-factory.js';
import { loadOpRegistry } from '../../ops/load-op-modules.js';
import { runDagFromSpec } from '../../model/compiled-dag.js';
import { openMetadataStore } from '../../metadata/metadata-location.js';
import type { ExecutorPayload } from '../payload.js';
import { isAwaitInit } from './early-threads.js';
import { storeProxies } from './port-rpc.js';
import { coordinatorIsHostLocal } from '../store-config.js';
import { SharedFanInCoordinator } from '../../storage/memory/shared-fan-in-coordinator.js';
import { openRunFanInTable } from './run-fan-in-table.js';
import { type ExecuteJob, type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol.js';
import { currentThreadId, openThreadCpuClock } from './thread-cpu-clock.js';
import { warmCodec } from '../../data/warm-codec.js';
import { compactReportText } from '../../model/compact-report.js';
import { executeJobsOfText } from './execute-jobs-text.js';
import { startBeating } from './thread-heartbeat.js';
import { lastOpSlotOf, writeLastOp } from './thread-last-op.js';

/**
 * An executor thread of the embedded backend: like a Lambda container, it runs one invocation at
 * a time and stays warm for the next one.
 */
if (!parentPort) throw new Error('worker-main must run in a worker thread');
// Not top-level await: the thread bundle is a script (scripts/build-bundles.mjs). A failure still
// ends the thread with an error, as an unhandled rejection.
void runExecutorThread(parentPort);

async function runExecutorThread(port: MessagePort): Promise<void> {
  // Before the init: a thread started early does this while the CLI is still starting.
  warmCodec();
  // A thread started early (./early-threads.ts) has loaded its modules by now; its init follows.
  const init = isAwaitInit(workerData) ? await initMessage(port) : (workerData as WorkerInit);
  if (init.heartbeat) startBeating(init.heartbeat);
  const lastOp = init.lastOp ? lastOpSlotOf(init.lastOp) : undefined;
  const post = (message: FromWorker) => port.postMessage(message);
  // Invocations go on the store port when there is one, after the puts they depend on (./port-rpc.ts).
  const memory =
    init.storePort && init.storeChanges
      ? storeProxies({ port: init.storePort, changes: init.storeChanges, ttlSeconds: init.stores.ttlSeconds, ...(init.putsPosted ? { putsPosted: init.putsPosted } : {}) })
      : undefined;
  const opened = await createExecutorStores(init.stores, memory);
  const store = opened.store;
  // The main thread's coordinator: fan-in marks of the current run's table are made here, in shared
  // memory (outside the store call bounds: they cannot hang); the rest goes through the port.
  const fanIns = coordinatorIsHostLocal(init.stores) ? new SharedFanInCoordinator(opened.coordinator) : undefined;
  const coordinator = fanIns ?? opened.coordinator;
  const invoke = memory ? memory.invoke : (payload: ExecutorPayload) => post({ type: 'invoke', payload });
  const done = memory ? memory.done : (jobId: number, runMs: number, released?: boolean) => post({ type: 'done', jobId, runMs, ...(released ? { released } : {}) });

  const { registry: ops } = await loadOpRegistry(init.opModules ?? []);
  const metadata = init.metadata ? await openMetadataStore(init.metadata) : undefined;
  // Ops' CPU is read only for the metadata (two readings a task): a run that records none pays nothing.
  const opCpuMs = metadata ? openThreadCpuClock() : undefined;

  const deps: DriverDeps = {
    ...(metadata ? { metadata } : {}),
    store,
    coordinator,
    invoker: {
      invoke: async (payload) => invoke(payload),
    },
    ops,
    clock: systemClock,
    // Warnings (a metadata batch not recorded) reach the user through the main thread; the rest
    // of the executor's log is for Lambda's CloudWatch and is dropped here.
    logger: { ...silentLogger, warn: (_fields, message) => post({ type: 'warning', message }) },
    runs: new RunCache(coordinator, runDagFromSpec),
    memoryMb: 0,
    invokeConcurrency: init.invokeConcurrency,
    // Threads share one process, whose CPU clock covers them all: report op time instead (0 here).
    cpuMs: () => 0,
    ...(opCpuMs ? { opCpuMs } : {}),
    ...(lastOp ? { onOpCall: (taskId: string) => writeLastOp(lastOp, taskId) } : {}),
    memoryBytes: sampledRss,
    // The client trusts an inbox in the main thread's memory coordinator (embedded-backend.ts
    // trustedInbox): it reads reports in their compact form there.
    ...(coordinatorIsHostLocal(init.stores) ? { reportText: compactReportText } : {}),
  };

  /** Reading RSS is a system call; executors ask often, so a 20 ms old reading is good enough. */
  let rssAt = 0;
  let rssBytes = 0;
  function sampledRss(): number {
    const now = performance.now();
    if (now - rssAt > 20) {
      rssBytes = memoryUsage.rss();
      rssAt = now;
    }
    return rssBytes;
  }

  port.on('message', (message: ToWorker) => {
    if (message.type === 'init') return; // taken by initMessage before this listener existed
    if (message.type === 'fan-in-table') {
      fanIns?.use(message.table ? openRunFanInTable(message.table, deps.runs) : undefined);
      return;
    }
    for (const job of executeJobsOfText(message.jobsText)) {
      if (running < init.executorsPerThread) start(job);
      else waiting.push(job);
    }
  });

  // The pool may send a few invocations ahead of a free executor (ThreadPool.pump): they wait here,
  // so that the next one starts as soon as one ends, without a round trip to the main thread.
  let running = 0;
  const waiting: ExecuteJob[] = [];
  function start(message: ExecuteJob): void {
    running += 1;
    const startedAt = performance.now();
    // The slot frees once the executor has run its tasks: its metadata write and report go on
    // beside the next executor, and the pool hears of both (it still retries the job should this
    // thread die before the end).
    let released = false;
    // A planned worker waiting for an input is not counted as running: another executor starts
    // meanwhile (its inputs may be what the waiter waits for), and it counts again when it goes
    // on, even past the limit. The pool hears once that the slot is free (its count of a thread's
    // executors would otherwise keep the queued ones away as well).
    let idle = false;
    let poolTold = false;
    const tellPoolFree = () => {
      if (poolTold) return;
      poolTold = true;
      done(message.jobId, performance.now() - startedAt, true);
    };
    const startNext = () => {
      const next = waiting.shift();
      if (next) start(next);
    };
    const release = () => {
      if (released) return;
      released = true;
      if (idle) idle = false;
      else running -= 1;
      tellPoolFree();
      startNext();
    };
    const onWaiting = (isWaiting: boolean) => {
      if (released || isWaiting === idle) return;
      idle = isWaiting;
      if (!isWaiting) {
        running += 1;
        return;
      }
      running -= 1;
      tellPoolFree();
      startNext();
    };
    void handleInvocation(message.payload, deps, { cold: message.cold, onTasksDone: release, onWaiting }).finally(() => {
      release();
      done(message.jobId, performance.now() - startedAt);
    });
  }

  const tid = currentThreadId();
  post({ type: 'ready', ...(tid !== undefined ? { tid } : {}) });
}

function initMessage(from: MessagePort): Promise<WorkerInit> {
  return new Promise((resolve) => {
    const onInit = (message: ToWorker) => {
      if (message.type !== 'init') return;
      from.off('message', onInit);
      resolve(message.init);
    };
    from.on('message', onInit);
  });
}
