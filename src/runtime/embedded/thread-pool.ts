import { MessageChannel, Worker } from 'node:worker_threads';
import { BadInputError, WukongError } from '../../model/errors.js';
import type { MetadataLocation } from '../../metadata/metadata-location.js';
import type { Coordinator } from '../../storage/coordinator.js';
import type { MemoryIntermediateStore } from '../../storage/memory/memory-intermediate-store.js';
import type { Invoker } from '../invoker.js';
import type { ExecutorPayload } from '../payload.js';
import { usesMainThreadMemory, type StoreConfig } from '../store-config.js';
import { endUntakenEarlyThreads, executorThreadScript, takeEarlyThread } from './early-threads.js';
import type { RunFanInTableMessage } from './run-fan-in-table.js';
import { serveStores } from './port-rpc.js';
import { PutTracker } from './put-tracker.js';
import { type FromWorker, type ToWorker, type WorkerInit } from './worker-protocol.js';
import { threadCpuMsOf } from './thread-cpu-clock.js';
import { FifoQueue } from './fifo-queue.js';
import { executeJobsText, type ExecuteJobText } from './execute-jobs-text.js';
import { PooledPayload } from './pooled-payload.js';
import { SharedTexts } from './shared-texts.js';
import { heldForMs, newHeartbeat, watchIntervalMs } from './thread-heartbeat.js';
import { lastOpSlotOf, newLastOpBuffer, readLastOp, type LastOpSlot } from './thread-last-op.js';

export interface ThreadPoolOptions {
  /** Executor threads (the embedded backend's concurrency); defaults to the number of cores. */
  readonly threads: number;
  /**
   * Executors one thread hosts at once. A Lambda container runs one invocation at a time; here,
   * several per thread let one executor's waits on the stores overlap another's work.
   */
  readonly executorsPerThread: number;
  readonly stores: StoreConfig;
  /** The main thread's stores, served to the threads when the config uses memory. */
  readonly memory?: { readonly store: MemoryIntermediateStore; readonly coordinator: Coordinator };
  readonly invokeConcurrency: number;
  /** Where executors record metadata; none: nothing is recorded. */
  readonly metadata?: MetadataLocation;
  /** User op modules (absolute paths) every thread loads. */
  readonly opModules?: readonly string[];
  /** Retries of an invocation whose thread died (Lambda retries async invocations twice). */
  readonly maxRetries: number;
  /**
   * Called when an invocation's thread died more often than the retries allow, or was ended for
   * holding its event loop; `culprit`: the task whose op the thread called last, where known.
   */
  readonly onGiveUp: (payload: ExecutorPayload, reason: string, culprit?: string) => void;
  /** An executor's warning (e.g. metadata not recorded); none: dropped. */
  readonly onWarning?: (message: string) => void;
  /** Fault injection for tests: ms after dispatch at which to kill the thread running an attempt. */
  readonly killAfterMs?: (executorId: string, attempt: number) => number | undefined;
  /** Fault injection for tests: deliver this invocation twice (Lambda's at-least-once delivery). */
  readonly deliverTwice?: (executorId: string) => boolean;
}

/** Invocations shorter than this on average are sent to threads ahead of a free executor. */
const SEND_AHEAD_BELOW_MS = 5;
/**
 * Invocations shorter than this on average are sent at least three times as many ahead: a thread
 * then keeps working while the main thread, sharing the cores with it, is slow to pass on the next
 * (fan: the threads idled ~40% of a run of 10,000 no-ops with twice as many), and what a thread
 * holds back from the others is still only milliseconds of work.
 */
const SEND_FURTHER_AHEAD_BELOW_MS = 1;
/**
 * Below SEND_FURTHER_AHEAD_BELOW_MS, as many ahead per executor slot as run in this long on
 * average (at least 3, at most MAX_AHEAD): each round trip of 'done's and 'execute's costs the
 * main thread a message each way and a wake of the client. TR large's executors emptied a
 * thread's 16 in one turn: ~1,030 round trips a run at 1 thread, ~700 with this budget; a thread
 * holds back at most ~1 ms of work per slot more than it did with 3 ahead.
 */
const SEND_AHEAD_BUDGET_MS = 1;
const MAX_AHEAD = 15;
/** The shortest hold of a thread's event loop taken for an op that does not return (see watchTaskTimeout). */
const MIN_HOLD_MS = 1_000;
/** Weight of the newest invocation in the moving mean of run times. */
const RUN_MS_WEIGHT = 0.1;

interface Slot {
  worker: Worker;
  ready: boolean;
  /** Whether this thread has run an executor yet (its first one is a cold start). */
  used: boolean;
  /** Keyed by Job.jobId. */
  readonly jobs: Map<number, Job>;
  /** Jobs of `jobs` whose executors have run their tasks and freed their slot (see Job.released). */
  released: number;
  /** The fan-in table this thread was last given (see ThreadPool.useFanInTable). */
  fanInTable?: RunFanInTableMessage;
  /** Stops awaiting this thread's puts (it died; see ./put-tracker.ts). */
  untrackPuts?: () => void;
  /** The thread's OS id, as its ready message gave it (Linux). */
  tid?: number;
  /** The clock the thread beats from its event loop (./thread-heartbeat.ts). */
  readonly heartbeat: Float64Array;
  /** The task whose op the thread called last (./thread-last-op.ts). */
  readonly lastOp: LastOpSlot;
  /** What the thread threw before it was ready (an op module that loads in the main thread but not in a worker). */
  startError?: Error;
}

interface QueuedJob {
  readonly payload: PooledPayload;
  readonly attempt: number;
}

interface Job extends QueuedJob {
  /** Unique per dispatch: a retried (or duplicated) executor keeps its executor id. */
  readonly jobId: number;
  /** Its executor ran its tasks and freed its slot; it is still retried should its thread die. */
  released?: boolean;
}

/**
 * The embedded backend's invoker: executor threads, each running one invocation at a time and
 * staying warm for the next (as Lambda containers do). Invocations beyond the thread count wait
 * in a FIFO queue, like Lambda's queue for async invocations under a concurrency limit.
 */
export class ThreadPool implements Invoker {
  private readonly slots: Slot[] = [];
  private readonly queue = new FifoQueue<QueuedJob>();
  private idleWaiters: (() => void)[] = [];
  private readyWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  /** Set when a thread ended before it was ready: ready() rejects with it from then on. */
  private startFailure: Error | undefined;
  private closed = false;
  private nextJobId = 1;
  private readonly puts = new PutTracker();
  /** The run specs (and other long coordinator values) every thread reads, encoded once (./shared-texts.ts). */
  private readonly sharedTexts = new SharedTexts();
  /** Moving mean of how long an invocation runs in its thread (decides how many are sent ahead). */
  private meanRunMs = Number.POSITIVE_INFINITY;
  private fanInTable: RunFanInTableMessage | undefined;
  private pumpQueued = false;
  /** Ends threads held by an op past the current run's task timeout (see watchTaskTimeout). */
  private heldWatch: NodeJS.Timeout | undefined;
  invocations = 0;
  coldStarts = 0;
  retries = 0;

  constructor(private readonly options: ThreadPoolOptions) {
    if (!Number.isInteger(options.threads) || options.threads < 1) throw new RangeError(`threads must be a positive integer, got ${options.threads}`);
    if (usesMainThreadMemory(options.stores) && !options.memory) throw new Error('memory stores need the main thread stores');
    for (let i = 0; i < options.threads; i += 1) this.slots.push(this.spawn());
    endUntakenEarlyThreads();
  }

  async invoke(payload: ExecutorPayload): Promise<void> {
    if (this.closed) throw new Error('thread pool is closed');
    this.enqueue(PooledPayload.of(payload));
  }

  /**
   * The run's first executors (TR large: 16,384 sources) queued in one call: no promise and
   * microtask per invocation, and one pump for all of them instead of one after each.
   */
  async invokeAll(payloads: readonly ExecutorPayload[]): Promise<void> {
    if (this.closed) throw new Error('thread pool is closed');
    for (const payload of payloads) this.enqueue(PooledPayload.of(payload));
  }

  /** Queues an invocation (its payload's text is written when it is sent: ./pooled-payload.ts). */
  private enqueue(payload: PooledPayload): void {
    this.invocations += 1;
    this.queue.push({ payload, attempt: 0 });
    if (this.options.deliverTwice?.(payload.payload.executorId)) this.queue.push({ payload, attempt: 0 });
    this.pump();
  }

  /**
   * Executors dispatched from now on mark fan-ins in this shared table (made by the main thread
   * for the run about to start); each thread gets it before its next invocation.
   */
  useFanInTable(table: RunFanInTableMessage | undefined): void {
    this.fanInTable = table;
  }

  /** A run has ended: the long values its threads read (its spec) need not be kept encoded. */
  endRun(): void {
    this.sharedTexts.clear();
    // A thread's last op is of this run: the next run's failures must not name it.
    for (const slot of this.slots) slot.lastOp.length[0] = 0;
  }

  /** Resolves when every thread has loaded its modules and can take an invocation. */
  ready(): Promise<void> {
    if (this.startFailure) return Promise.reject(this.startFailure);
    if (this.slots.every((s) => s.ready)) return Promise.resolve();
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Resolves when no invocation is queued or running. */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Each live thread's event-loop active time so far (ms), keyed by the thread: a thread replaced
   * after a crash is a new key, so a difference of two snapshots never mixes two threads.
   */
  eventLoopActiveMs(): Map<object, number> {
    return new Map(this.slots.map((s) => [s.worker, s.worker.performance.eventLoopUtilization().active]));
  }

  /**
   * Each live thread's CPU time so far (ms), keyed as eventLoopActiveMs; undefined for a thread
   * whose CPU time the host does not tell (not Linux, or not ready yet).
   */
  threadCpuMs(): Map<object, number | undefined> {
    return new Map(this.slots.map((s) => [s.worker, s.tid === undefined ? undefined : threadCpuMsOf(s.tid)]));
  }

  /** Invocations queued or on a thread and not finished: the run's live executors. */
  liveExecutors(): number {
    let live = this.queue.length;
    for (const slot of this.slots) live += slot.jobs.size;
    return live;
  }

  isIdle(): boolean {
    return this.queue.length === 0 && this.slots.every((s) => s.jobs.size === 0);
  }

  /**
   * While a run with a task timeout goes on (undefined: none, or the run ended), ends a thread
   * whose event loop an op has held longer than the timeout, at least 1 s (a thread's own work, a
   * spec's parse or a GC pause, is never that long): its executor's run fails, naming the hold;
   * the thread's other executors are retried on a fresh one, as after any thread's death.
   */
  watchTaskTimeout(taskTimeoutMs: number | undefined): void {
    clearInterval(this.heldWatch);
    this.heldWatch = undefined;
    if (taskTimeoutMs === undefined) return;
    const limitMs = Math.max(taskTimeoutMs, MIN_HOLD_MS);
    this.heldWatch = setInterval(() => {
      for (const slot of this.slots) {
        const heldMs = heldForMs(slot.heartbeat);
        if (heldMs > limitMs && slot.jobs.size > slot.released) this.endHeldThread(slot, heldMs, taskTimeoutMs);
      }
    }, watchIntervalMs(limitMs));
    this.heldWatch.unref();
  }

  private endHeldThread(slot: Slot, heldMs: number, taskTimeoutMs: number): void {
    const held = [...slot.jobs.values()].find((job) => !job.released);
    if (!held) return;
    slot.jobs.delete(held.jobId);
    const culprit = readLastOp(slot.lastOp);
    this.options.onGiveUp(
      held.payload.payload,
      `${culprit === undefined ? 'an op' : `the op of task ${culprit}`} held executor ${held.payload.payload.executorId}'s thread for ${heldMs.toFixed(0)} ms, past the task timeout of ${taskTimeoutMs} ms, without returning (synchronous code that does not end); the thread was ended`,
      culprit,
    );
    void slot.worker.terminate();
  }

  async close(): Promise<void> {
    this.closed = true;
    this.watchTaskTimeout(undefined);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  /** Test hook for fault injection: kills the thread running `executorId` (and its other executors). */
  async killExecutor(executorId: string): Promise<boolean> {
    const slot = this.slots.find((s) => [...s.jobs.values()].some((j) => j.payload.payload.executorId === executorId));
    if (!slot) return false;
    await slot.worker.terminate();
    return true;
  }

  private spawn(): Slot {
    const heartbeat = newHeartbeat();
    const lastOp = newLastOpBuffer();
    const init: { -readonly [K in keyof WorkerInit]: WorkerInit[K] } = {
      stores: this.options.stores,
      invokeConcurrency: this.options.invokeConcurrency,
      executorsPerThread: this.options.executorsPerThread,
      ...(this.options.metadata ? { metadata: this.options.metadata } : {}),
      ...(this.options.opModules?.length ? { opModules: this.options.opModules } : {}),
      heartbeat,
      lastOp,
    };
    const transfer = [];
    let untrackPuts: (() => void) | undefined;
    if (this.options.memory && usesMainThreadMemory(this.options.stores)) {
      const channel = new MessageChannel();
      const putsPosted = new Int32Array(new SharedArrayBuffer(4));
      const puts = this.puts.track(putsPosted);
      untrackPuts = puts.untrack;
      serveStores(channel.port1, {
        ...this.options.memory,
        onInvoke: (payloadText) => this.onInvokeFromThread(PooledPayload.ofText(payloadText)),
        onDone: (jobId, runMs, released) => this.onMessage(slot, { type: 'done', jobId, runMs, released }),
        puts: { tracker: this.puts, applied: puts.applied },
        sharedTexts: this.sharedTexts,
      });
      channel.port1.unref();
      init.storePort = channel.port2;
      init.storeChanges = this.options.memory.store.changes;
      init.putsPosted = putsPosted;
      transfer.push(channel.port2);
    }
    const script = executorThreadScript(Boolean(this.options.opModules?.length));
    // A thread the CLI started early (./early-threads.ts) has loaded, or is loading, its modules
    // and waits for this init; otherwise a thread of its own gets it as workerData.
    const early = takeEarlyThread(script);
    if (early) early.postMessage({ type: 'init', init } satisfies ToWorker, transfer);
    const worker = early ?? new Worker(script, { workerData: init, transferList: transfer });
    const slot: Slot = { worker, ready: false, used: false, jobs: new Map(), released: 0, heartbeat, lastOp: lastOpSlotOf(lastOp), ...(untrackPuts ? { untrackPuts } : {}) };
    worker.on('message', (message: FromWorker) => this.onMessage(slot, message));
    // A thread that dies running a job is retried by the exit handler below; what one threw before
    // it was ready is kept for the message (respawning it would fail the same way, forever).
    worker.on('error', (error) => {
      if (!slot.ready) slot.startError ??= error;
    });
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private onMessage(slot: Slot, message: FromWorker): void {
    switch (message.type) {
      case 'ready':
        slot.ready = true;
        if (message.tid !== undefined) slot.tid = message.tid;
        if (this.slots.every((s) => s.ready)) {
          const waiters = this.readyWaiters;
          this.readyWaiters = [];
          for (const { resolve } of waiters) resolve();
        }
        break;
      case 'invoke':
        this.onInvokeFromThread(PooledPayload.of(message.payload));
        return;
      case 'done': {
        const job = slot.jobs.get(message.jobId);
        if (job === undefined) break;
        // The run time that counts is until the slot freed: a metadata write after it does not
        // keep the thread from its next executor.
        if (!job.released) this.meanRunMs = Number.isFinite(this.meanRunMs) ? this.meanRunMs + (message.runMs - this.meanRunMs) * RUN_MS_WEIGHT : message.runMs;
        if (message.released) {
          job.released = true;
          slot.released += 1;
        } else {
          slot.jobs.delete(message.jobId);
          if (job.released) slot.released -= 1;
        }
        break;
      }
      case 'warning':
        this.options.onWarning?.(message.message);
        return;
    }
    this.pump();
  }

  private onInvokeFromThread(payload: PooledPayload): void {
    // Once the run is over (the pool closing), late invocations of duplicate or retried
    // executors have nothing left to do.
    if (!this.closed) this.enqueue(payload);
  }

  private scheduleFault(slot: Slot, job: Job): void {
    const delayMs = this.options.killAfterMs?.(job.payload.payload.executorId, job.attempt);
    if (delayMs === undefined) return;
    setTimeout(() => {
      if (slot.jobs.has(job.jobId) && this.slots.includes(slot)) void slot.worker.terminate();
    }, delayMs);
  }

  private onExit(slot: Slot, code: number): void {
    const index = this.slots.indexOf(slot);
    if (index < 0 || this.closed) return;
    slot.untrackPuts?.();
    if (!slot.ready) {
      this.onStartFailure(index, slot, code);
      return;
    }
    this.slots[index] = this.spawn();
    for (const job of slot.jobs.values()) {
      if (job.attempt < this.options.maxRetries) {
        this.retries += 1;
        this.queue.unshift({ payload: job.payload, attempt: job.attempt + 1 });
      } else {
        const culprit = readLastOp(slot.lastOp);
        const last = culprit === undefined ? '' : ` (the last op its thread called: task ${culprit}'s)`;
        this.options.onGiveUp(job.payload.payload, `executor ${job.payload.payload.executorId} died ${job.attempt + 1} times${last}`, culprit);
      }
    }
    this.pump();
  }

  /**
   * A thread ended before it was ready: its start-up fails (an op module that throws in a worker,
   * say), and a new one would fail alike, so none is started in its place. The pool goes on with
   * the threads it has; ready() rejects naming the cause, and with no thread left, what is queued
   * is given up, so a run fails rather than waits for threads that will never come.
   */
  private onStartFailure(index: number, slot: Slot, code: number): void {
    this.slots.splice(index, 1);
    const cause = slot.startError?.message ?? `it exited with code ${code}`;
    this.startFailure ??= this.options.opModules?.length
      ? new BadInputError(`an executor thread failed to start, loading the op modules (${this.options.opModules.join(', ')}): ${cause}`, { cause: slot.startError })
      : new WukongError('RUN_FAILED', `an executor thread failed to start: ${cause}`, { cause: slot.startError });
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const { reject } of waiters) reject(this.startFailure);
    if (this.slots.length > 0) return;
    for (const queued of this.queue.take(this.queue.length)) this.options.onGiveUp(queued.payload.payload, this.startFailure.message);
  }

  /**
   * Pumps once the current turn's messages are all handled: a batch of 'done's (or a loop of
   * invokes) then fills threads in one pass, one message per thread.
   */
  private pump(): void {
    if (this.pumpQueued) return;
    this.pumpQueued = true;
    queueMicrotask(() => {
      this.pumpQueued = false;
      this.pumpNow();
    });
  }

  private pumpNow(): void {
    // Fill threads evenly, up to executorsPerThread each, and as many again queued in the thread
    // while invocations are short: a thread then starts the next one when one ends instead of
    // idling through the round trip of 'done' and 'execute' (hundreds of microseconds, more than
    // a no-op task runs). Long ones are not sent ahead, so none waits behind a long one in a busy
    // thread while another thread is free.
    const ahead = this.meanRunMs < SEND_FURTHER_AHEAD_BELOW_MS ? furtherAhead(this.meanRunMs) : this.meanRunMs < SEND_AHEAD_BELOW_MS ? 1 : 0;
    const perThread = this.options.executorsPerThread * (1 + ahead);
    const counts = shares(
      this.slots.map((slot) => (slot.ready ? slot.jobs.size - slot.released : Number.POSITIVE_INFINITY)),
      perThread,
      this.queue.length,
    );
    // Each thread takes its share as consecutive invocations of the queue: invocations made
    // together are often of siblings (the sources of one reduction, the children of one fan-out),
    // and a thread reads what it put itself without a round trip (./thread-value-cache.ts).
    this.slots.forEach((slot, i) => {
      const count = counts[i] as number;
      if (count === 0) return;
      if (slot.fanInTable !== this.fanInTable) {
        slot.fanInTable = this.fanInTable;
        slot.worker.postMessage({ type: 'fan-in-table', table: this.fanInTable } satisfies ToWorker);
      }
      const jobs: ExecuteJobText[] = [];
      const started: Job[] = [];
      for (const queued of this.queue.take(count)) {
        const job: Job = { payload: queued.payload, attempt: queued.attempt, jobId: this.nextJobId++ };
        slot.jobs.set(job.jobId, job);
        const cold = !slot.used;
        slot.used = true;
        if (cold) this.coldStarts += 1;
        jobs.push({ payloadText: job.payload.text, cold, jobId: job.jobId });
        started.push(job);
      }
      slot.worker.postMessage({ type: 'execute', jobsText: executeJobsText(jobs) } satisfies ToWorker);
      for (const job of started) this.scheduleFault(slot, job);
    });
    if (this.isIdle()) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }
}

/**
 * How many of `queued` invocations each thread takes, given its `loads` (Infinity: not ready) and
 * room for `perThread`: water filling, the next one to the least loaded thread with room (ties to
 * the first). When every thread's room is taken anyway, each takes its room without the search
 * per invocation (TR large queues 16,384 sources at once; with 16 threads the search was 16 steps
 * an invocation on the main thread).
 */
export function shares(loads: readonly number[], perThread: number, queued: number): number[] {
  const room = loads.map((load) => Math.max(0, perThread - load));
  if (queued >= room.reduce((sum, r) => sum + r, 0)) return room;
  return sharesOneByOne(loads, perThread, queued);
}

/** Water filling one invocation at a time, as the pool did for every invocation before `shares`. */
export function sharesOneByOne(loads: readonly number[], perThread: number, queued: number): number[] {
  const counts = loads.map(() => 0);
  for (let taken = 0; taken < queued; taken += 1) {
    let best = -1;
    for (let i = 0; i < loads.length; i += 1) {
      const load = (loads[i] as number) + (counts[i] as number);
      if (load < perThread && (best < 0 || load < (loads[best] as number) + (counts[best] as number))) best = i;
    }
    if (best < 0) break;
    counts[best] = (counts[best] as number) + 1;
  }
  return counts;
}

/** Invocations sent ahead per executor slot when they run under SEND_FURTHER_AHEAD_BELOW_MS on average. */
function furtherAhead(meanRunMs: number): number {
  return Math.max(3, Math.min(MAX_AHEAD, Math.floor(SEND_AHEAD_BUDGET_MS / meanRunMs)));
}
