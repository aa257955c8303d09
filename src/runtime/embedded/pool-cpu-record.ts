import { openMetadataStore, type MetadataLocation } from '../../metadata/metadata-location.js';
import type { PoolRecord } from '../../metadata/records.js';
import type { RunOutcome } from '../run-client.js';

/** The process's CPU time (all threads) so far, in ms. */
export function processCpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

/**
 * The pool record of a finished embedded run (see PoolRecordSchema): its executors' task
 * executions, the CPU the process spent from `cpuAtStartMs` on, and the part of it the ops' own
 * synchronous runs took. Undefined when no task ran (nothing to share the CPU out over).
 */
export function poolRecordOf(outcome: RunOutcome, threads: number, cpuAtStartMs: number, nowMs: number): PoolRecord | undefined {
  let tasks = 0;
  let syncOpMs = 0;
  for (const executor of outcome.executors) {
    for (const timing of executor.tasks) {
      tasks += 1;
      if (!timing.awaited) syncOpMs += timing.execMs;
    }
  }
  if (tasks === 0) return undefined;
  return { type: 'pool', runId: outcome.runId, threads, tasks, cpuMs: Math.max(0, processCpuMs() - cpuAtStartMs), syncOpMs, at: Math.round(nowMs) };
}

/** Appends `record` where the run's executors record; a failure is a warning, never the run's. */
export async function recordPoolCpu(location: MetadataLocation, record: PoolRecord, warn: (message: string) => void): Promise<void> {
  try {
    const store = await openMetadataStore(location);
    try {
      await store.append([record]);
    } finally {
      await store.close();
    }
  } catch (error) {
    warn(`the run's CPU record was not written to the metadata: ${error instanceof Error ? error.message : String(error)}`);
  }
}
