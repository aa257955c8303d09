import { topologicalOrder } from '../model/topological-order.js';
import type { RunDag } from '../model/run-spec.js';

export interface DagTotals {
  /** Tasks reachable from the sources (every task of a valid DAG). */
  readonly tasks: number;
  /** Longest path of run times with free transfers and starts: a lower bound on the makespan. */
  readonly criticalPathMs: number;
}

/**
 * Counts the tasks and finds the critical path of `execMs` in one topological pass (Kahn's
 * algorithm from the sources), O(V + E).
 */
export function dagTotals(dag: Pick<RunDag, 'sources' | 'parents' | 'children'>, execMs: (taskId: string) => number): DagTotals {
  // finishMs holds, for a task not yet come up, the latest end of its parents so far.
  const finishMs = new Map<string, number>();
  const order = topologicalOrder(dag);
  let criticalPathMs = 0;
  for (const taskId of order) {
    const endMs = (finishMs.get(taskId) ?? 0) + execMs(taskId);
    finishMs.delete(taskId);
    if (endMs > criticalPathMs) criticalPathMs = endMs;
    for (const child of dag.children(taskId)) finishMs.set(child, Math.max(finishMs.get(child) ?? 0, endMs));
  }
  return { tasks: order.length, criticalPathMs };
}
