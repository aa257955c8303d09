import { SharedFanInTable, type FanInEntry, type SharedFanInTableInit } from '../../storage/memory/shared-fan-in-table.js';
import type { DagSpec } from '../../model/dag-schema.js';
import type { RunDag } from '../../model/run-spec.js';
import { runKeys } from '../keys.js';
import type { RunCache } from '../run-cache.js';
import type { RunRequest } from '../run-client.js';

/**
 * The shared fan-in table of one WUKONG-mode run: a slot for each task of two or more deps (the
 * fan-ins executors mark; a task of fewer deps has fewer parents), keyed as the coordinator keys
 * them, so the table's keys are the run's own and no other run's. Planned runs get none: their
 * workers also mark fan-ins with park marks that are no DAG parent, so their fan-ins stay in the
 * coordinator.
 *
 * The main thread only sizes the slots (from the deps counts, no strings); each side makes the
 * entries (keys and parents) from the run's DAG when it first looks a key up: the threads from
 * the spec they read anyway, the main thread only if it marks (a run resumed from a result
 * cache). Made, posted as JSON and parsed, they were ~8 % of the main thread's busy time on TR large.
 */
export function runFanInTable(request: RunRequest, runId: string, ttlSeconds: number): SharedFanInTable | undefined {
  if (request.spec.plan || request.planToRun) return undefined;
  const { tasks } = request.spec.dag;
  const parentCounts: number[] = [];
  for (const task of tasks) if (task.deps !== undefined && task.deps.length >= 2) parentCounts.push(task.deps.length);
  return SharedFanInTable.createLazily(parentCounts, () => runFanInEntries(tasks, request.dag, runId), ttlSeconds, fanInKeyPrefix(runId));
}

/** What a thread is posted to open a run's table (./worker-protocol.ts). */
export interface RunFanInTableMessage {
  readonly runId: string;
  readonly init: SharedFanInTableInit;
}

/**
 * A thread's view of a run's table. Its entries come from the run's spec, loaded through `runs`
 * (the executors of the run load the same one, after this, so the entries are there before any
 * of them marks).
 */
export function openRunFanInTable({ runId, init }: RunFanInTableMessage, runs: RunCache): SharedFanInTable {
  let loaded: { readonly tasks: DagSpec['tasks']; readonly dag: RunDag } | undefined;
  runs.load(runId).then(
    (run) => (loaded = { tasks: run.spec.dag.tasks, dag: run.dag }),
    () => undefined, // the run's executors fail on the same load themselves
  );
  return SharedFanInTable.open(init, () => {
    if (!loaded) throw new Error(`the fan-in table of run ${runId} was read before the run's spec was loaded`);
    return runFanInEntries(loaded.tasks, loaded.dag, runId);
  });
}

/** One entry per task of two or more deps, in task order: the slots runFanInTable sized. */
function runFanInEntries(tasks: DagSpec['tasks'], dag: RunDag, runId: string): FanInEntry[] {
  const keys = runKeys(runId);
  const entries: FanInEntry[] = [];
  for (const task of tasks) {
    if (task.deps === undefined || task.deps.length < 2) continue;
    entries.push({ key: keys.fanIn(task.id), parents: dag.parents(task.id) });
  }
  return entries;
}

function fanInKeyPrefix(runId: string): string {
  return runKeys(runId).fanIn('');
}
