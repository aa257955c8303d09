import type { Coordinator } from '../storage/coordinator.js';
import { runKeyPrefix } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import { runKeys } from './keys.js';
import { liveFor } from './run-liveness.js';

export interface CollectedRun {
  readonly runId: string;
  readonly coordinationKeys: number;
  readonly objects: number;
}

/** When a run was created: run ids begin with their creation time in base 36 (see newRunId). */
export function runCreatedAt(runId: string): number | undefined {
  const stamp = /^([0-9a-z]+)-[0-9a-f]+$/.exec(runId)?.[1];
  if (!stamp) return undefined;
  const ms = parseInt(stamp, 36);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Removes every coordination key and intermediate object of one run. */
export async function collectRun(runId: string, coordinator: Coordinator, store: IntermediateStore): Promise<CollectedRun> {
  const objects = await store.deletePrefix(runKeys(runId).outputPrefix);
  const coordinationKeys = await coordinator.deletePrefix(runKeyPrefix(runId));
  return { runId, coordinationKeys, objects };
}

/** Which of `runIds` were created more than `olderThanMs` before `now`. */
export function runsOlderThan(runIds: readonly string[], olderThanMs: number, now: number): string[] {
  return runIds.filter((id) => {
    const created = runCreatedAt(id);
    return created !== undefined && now - created > olderThanMs;
  });
}

/**
 * Run ids with any coordination key (`wk:{runId}:...`) in this store, not only those with a spec:
 * executors still working when a run was collected re-create fan-in and inbox keys without one,
 * and those orphans must be found too.
 */
export async function listRuns(coordinator: Coordinator): Promise<string[]> {
  const keys = await coordinator.keys('wk:');
  const ids = new Set<string>();
  for (const key of keys) {
    const runId = /^wk:([^:]+):/.exec(key)?.[1];
    if (runId !== undefined) ids.add(runId);
  }
  return [...ids].sort();
}

/** The runs among `runIds` whose client still follows them, with how long ago it was seen. */
export async function liveRuns(coordinator: Coordinator, runIds: readonly string[], now: number): Promise<Map<string, number>> {
  const live = new Map<string, number>();
  for (const runId of runIds) {
    const seenMsAgo = await liveFor(coordinator, runKeys(runId).live, now);
    if (seenMsAgo !== undefined) live.set(runId, seenMsAgo);
  }
  return live;
}
