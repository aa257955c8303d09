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
  const parentsLeft = new Map<string, number>();
  const finishMs = new Map<string, number>();
  const order: string[] = [...dag.sources()];
  for (const source of order) finishMs.set(source, 0);
  let criticalPathMs = 0;
  for (let i = 0; i < order.length; i += 1) {
    const taskId = order[i] as string;
    const endMs = (finishMs.get(taskId) ?? 0) + execMs(taskId);
    finishMs.delete(taskId);
    if (endMs > criticalPathMs) criticalPathMs = endMs;
    for (const child of dag.children(taskId)) {
      const left = (parentsLeft.get(child) ?? dag.parents(child).length) - 1;
      // finishMs holds, for a task not yet placed, the latest end of its parents so far.
      finishMs.set(child, Math.max(finishMs.get(child) ?? 0, endMs));
      if (left === 0) {
        parentsLeft.delete(child);
        order.push(child);
      } else {
        parentsLeft.set(child, left);
      }
    }
  }
  return { tasks: order.length, criticalPathMs };
}
