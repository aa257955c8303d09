/**
 * One dependency cycle in a graph of `taskCount` tasks numbered 0..taskCount-1, where
 * `parentsOf(i)` lists the tasks task i consumes. Returns the cycle's tasks in data-flow order
 * (each feeds the next, and the last feeds the first), or undefined when there is none.
 * Iterative depth-first search: a 100,000-task chain must not overflow the call stack. O(V + E).
 */
export function findCycle(taskCount: number, parentsOf: (task: number) => ArrayLike<number>): number[] | undefined {
  const UNSEEN = 0;
  const ON_PATH = 1;
  const FINISHED = 2;
  const state = new Uint8Array(taskCount);
  // The current DFS path and, for each entry, the next parent to look at.
  const path: number[] = [];
  const nextParent: number[] = [];
  for (let root = 0; root < taskCount; root += 1) {
    if (state[root] !== UNSEEN) continue;
    state[root] = ON_PATH;
    path.push(root);
    nextParent.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const task = path[top] as number;
      const parents = parentsOf(task);
      const k = nextParent[top] as number;
      if (k >= parents.length) {
        state[task] = FINISHED;
        path.pop();
        nextParent.pop();
        continue;
      }
      nextParent[top] = k + 1;
      const parent = parents[k] as number;
      if (state[parent] === ON_PATH) {
        // path[from..top]: each task consumes the next one, and `task` (path[top]) consumes
        // `parent` (path[from]). Reversed, each feeds the next and the last feeds the first.
        const cycle = path.slice(path.lastIndexOf(parent)).reverse();
        // Start at the task listed first in the spec, so the same cycle always prints the same way.
        let first = 0;
        for (let k = 1; k < cycle.length; k += 1) if ((cycle[k] as number) < (cycle[first] as number)) first = k;
        return [...cycle.slice(first), ...cycle.slice(0, first)];
      }
      if (state[parent] === UNSEEN) {
        state[parent] = ON_PATH;
        path.push(parent);
        nextParent.push(0);
      }
    }
  }
  return undefined;
}

/** Longest cycle printed in full; a longer one shows its ends (its task ids are all in the problem). */
const MAX_CYCLE_IDS_PRINTED = 20;

/** `a -> b -> c -> a`; a very long cycle is elided in the middle. */
export function formatCycle(taskIds: readonly string[]): string {
  const first = taskIds[0] ?? '';
  if (taskIds.length <= MAX_CYCLE_IDS_PRINTED) return [...taskIds, first].join(' -> ');
  const head = taskIds.slice(0, MAX_CYCLE_IDS_PRINTED / 2);
  const tail = taskIds.slice(taskIds.length - MAX_CYCLE_IDS_PRINTED / 2 + 1);
  const elided = taskIds.length - head.length - tail.length;
  return [...head, `... (${elided} more)`, ...tail, first].join(' -> ');
}
