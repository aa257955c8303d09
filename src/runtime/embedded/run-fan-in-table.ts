import { SharedFanInTable, type FanInEntry } from '../../storage/memory/shared-fan-in-table.js';
import { runKeys } from '../keys.js';
import type { RunRequest } from '../run-client.js';

/**
 * The shared fan-in table of one WUKONG-mode run: a slot for each task with two or more parents
 * (the fan-ins executors mark), keyed as the coordinator keys them, so the table's keys are the
 * run's own and no other run's. Planned runs get none: their workers also mark fan-ins with park
 * marks that are no DAG parent, so their fan-ins stay in the coordinator.
 */
export function runFanInTable(request: RunRequest, runId: string, ttlSeconds: number): SharedFanInTable | undefined {
  if (request.spec.plan || request.planToRun) return undefined;
  const keys = runKeys(runId);
  const entries: FanInEntry[] = [];
  for (const task of request.spec.dag.tasks) {
    // A task of fewer than two deps has fewer than two parents: not asked for (and not memoized
    // in the DAG's parent map), half of TR large's tasks.
    if (task.deps === undefined || task.deps.length < 2) continue;
    const parents = request.dag.parents(task.id);
    if (parents.length >= 2) entries.push({ key: keys.fanIn(task.id), parents });
  }
  return SharedFanInTable.create(entries, ttlSeconds);
}
