import { performance } from 'node:perf_hooks';
import { cpuUsage } from 'node:process';
import { openMetadataStore, type MetadataLocation } from '../../metadata/metadata-location.js';
import type { PoolRecord } from '../../metadata/records.js';
import type { RunOutcome } from '../run-client.js';

/** What reports the executor threads' event-loop active time (the ThreadPool). */
export interface ThreadActivity {
  eventLoopActiveMs(): Map<object, number>;
}

/**
 * Event-loop active time of the threads and of this (the client's) thread at one instant, and the
 * process's CPU time (ms, every thread).
 */
export interface BusySnapshot {
  readonly threads: Map<object, number>;
  readonly client: number;
  readonly cpuMs: number;
}

export function busySnapshot(pool: ThreadActivity): BusySnapshot {
  const cpu = cpuUsage();
  return { threads: pool.eventLoopActiveMs(), client: performance.eventLoopUtilization().active, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** Between two snapshots: active ms (a thread that started in between counts from its start) and CPU ms. */
export function busyBetween(start: BusySnapshot, end: BusySnapshot): { readonly busyMs: number; readonly cpuMs: number } {
  let ms = Math.max(0, end.client - start.client);
  for (const [thread, active] of end.threads) ms += Math.max(0, active - (start.threads.get(thread) ?? 0));
  return { busyMs: ms, cpuMs: Math.max(0, end.cpuMs - start.cpuMs) };
}

/**
 * The pool record of a finished embedded run (see PoolRecordSchema): its task executions, the
 * threads' busy time and the process's CPU time over the run, and the part the ops' own
 * synchronous runs took. Undefined when no task ran (nothing to share the time out over).
 */
export function poolRecordOf(outcome: RunOutcome, threads: number, busy: { readonly busyMs: number; readonly cpuMs: number }, nowMs: number): PoolRecord | undefined {
  let tasks = 0;
  let syncOpMs = 0;
  let awaitedOpMs = 0;
  for (const executor of outcome.executors) {
    for (const timing of executor.tasks) {
      tasks += 1;
      if (timing.awaited) awaitedOpMs += timing.execMs;
      else syncOpMs += timing.execMs;
    }
  }
  if (tasks === 0) return undefined;
  return { type: 'pool', runId: outcome.runId, threads, tasks, busyMs: busy.busyMs, cpuMs: busy.cpuMs, syncOpMs, awaitedOpMs, at: Math.round(nowMs) };
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
