import { performance } from 'node:perf_hooks';
import { cpuUsage, pid } from 'node:process';
import { openMetadataStore, type MetadataLocation } from '../../metadata/metadata-location.js';
import type { PoolRecord } from '../../metadata/records.js';
import type { RunOutcome } from '../run-client.js';
import { threadCpuMsOf } from './thread-cpu-clock.js';

/** What reports the executor threads' event-loop active time and CPU time (the ThreadPool). */
export interface ThreadActivity {
  eventLoopActiveMs(): Map<object, number>;
  threadCpuMs?(): Map<object, number | undefined>;
}

/**
 * Event-loop active time of the threads and of this (the client's) thread at one instant, the
 * process's CPU time (ms, every thread), and the CPU time of this thread and of each executor
 * thread where the host tells it (Linux; see ./thread-cpu-clock.ts).
 */
export interface BusySnapshot {
  readonly threads: Map<object, number>;
  readonly client: number;
  readonly cpuMs: number;
  /** Undefined when any of them could not be read. */
  readonly threadsCpu?: { readonly client: number; readonly threads: Map<object, number> };
}

export function busySnapshot(pool: ThreadActivity): BusySnapshot {
  const cpu = cpuUsage();
  const threadsCpu = threadsCpuOf(pool);
  return {
    threads: pool.eventLoopActiveMs(),
    client: performance.eventLoopUtilization().active,
    cpuMs: (cpu.user + cpu.system) / 1000,
    ...(threadsCpu ? { threadsCpu } : {}),
  };
}

function threadsCpuOf(pool: ThreadActivity): BusySnapshot['threadsCpu'] {
  // The main thread's OS id is the process id.
  const client = threadCpuMsOf(pid);
  const perThread = pool.threadCpuMs?.();
  if (client === undefined || perThread === undefined) return undefined;
  const threads = new Map<object, number>();
  for (const [thread, ms] of perThread) {
    if (ms === undefined) return undefined;
    threads.set(thread, ms);
  }
  return { client, threads };
}

export interface BusyBetween {
  readonly busyMs: number;
  readonly cpuMs: number;
  /** CPU of the client's and the executor threads, without V8's and libuv's own threads. */
  readonly threadsCpuMs?: number;
}

/** Between two snapshots: active ms (a thread that started in between counts from its start) and CPU ms. */
export function busyBetween(start: BusySnapshot, end: BusySnapshot): BusyBetween {
  let ms = Math.max(0, end.client - start.client);
  for (const [thread, active] of end.threads) ms += Math.max(0, active - (start.threads.get(thread) ?? 0));
  const threadsCpuMs = start.threadsCpu && end.threadsCpu ? threadsCpuBetween(start.threadsCpu, end.threadsCpu) : undefined;
  return { busyMs: ms, cpuMs: Math.max(0, end.cpuMs - start.cpuMs), ...(threadsCpuMs !== undefined ? { threadsCpuMs } : {}) };
}

function threadsCpuBetween(start: NonNullable<BusySnapshot['threadsCpu']>, end: NonNullable<BusySnapshot['threadsCpu']>): number {
  let ms = Math.max(0, end.client - start.client);
  for (const [thread, cpu] of end.threads) ms += Math.max(0, cpu - (start.threads.get(thread) ?? 0));
  return ms;
}

/**
 * The pool record of a finished embedded run (see PoolRecordSchema): its task executions, the
 * threads' busy time and the process's CPU time over the run, and the part the ops' own
 * synchronous runs took. Undefined when no task ran (nothing to share the time out over).
 */
export function poolRecordOf(outcome: RunOutcome, threads: number, busy: BusyBetween, nowMs: number): PoolRecord | undefined {
  let tasks = 0;
  let syncOpMs = 0;
  let awaitedOpMs = 0;
  // The sync ops' CPU, when every one of them was measured (else a part would pass for overhead).
  let syncOpCpuMs: number | undefined = 0;
  // Likewise the awaiting ops' CPU, as far as it can be told (TaskTiming.awaitedCpuMs).
  let awaitedOpCpuMs: number | undefined = 0;
  for (const executor of outcome.executors) {
    for (const timing of executor.tasks) {
      tasks += 1;
      if (timing.awaited) {
        awaitedOpMs += timing.execMs;
        awaitedOpCpuMs = timing.awaitedCpuMs === undefined || awaitedOpCpuMs === undefined ? undefined : awaitedOpCpuMs + timing.awaitedCpuMs;
        continue;
      }
      syncOpMs += timing.execMs;
      syncOpCpuMs = timing.cpuMs === undefined || syncOpCpuMs === undefined ? undefined : syncOpCpuMs + timing.cpuMs;
    }
  }
  if (tasks === 0) return undefined;
  const threadsCpu =
    busy.threadsCpuMs !== undefined && syncOpCpuMs !== undefined
      ? { threadsCpuMs: busy.threadsCpuMs, syncOpCpuMs, ...(awaitedOpCpuMs !== undefined ? { awaitedOpCpuMs } : {}) }
      : {};
  return { type: 'pool', runId: outcome.runId, threads, tasks, busyMs: busy.busyMs, cpuMs: busy.cpuMs, ...threadsCpu, syncOpMs, awaitedOpMs, at: Math.round(nowMs) };
}

/** Appends `record` where the run's executors record; a failure is a warning, never the run's. */
export async function recordPoolBusy(location: MetadataLocation, record: PoolRecord, warn: (message: string) => void): Promise<void> {
  try {
    const store = await openMetadataStore(location);
    try {
      await store.append([record]);
    } finally {
      await store.close();
    }
  } catch (error) {
    warn(`the run's pool record was not written to the metadata: ${error instanceof Error ? error.message : String(error)}`);
  }
}
