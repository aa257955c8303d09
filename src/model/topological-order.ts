/** What a topological order needs of a DAG: `Dag`, `RunDag` and lighter test views all fit. */
export interface TopologyView {
  sources(): readonly string[];
  parents(taskId: string): readonly string[];
  children(taskId: string): readonly string[];
}

/**
 * A DAG over task indices 0..taskCount-1, the shape `Dag` keeps its edges in (flat index arrays):
 * sorting it needs no string keys, which matters at 100,000 tasks.
 */
export interface IndexTopology {
  readonly taskCount: number;
  /** Tasks to start from (normally those with no parents), in the order they come first. */
  readonly sources: ArrayLike<number>;
  /** Distinct parents of `task`. */
  parentCount(task: number): number;
  /** Calls `visit` on each distinct child of `task`, in the order ties should keep. */
  forEachChild(task: number, visit: (child: number) => void): void;
}

export interface TopologicalOrderOptions {
  /**
   * Picks which ready task comes next, as an index into the `readyCount` tasks ready now (in the
   * order they became ready); absent: the first (FIFO, so ties keep spec order). A seeded random
   * pick gives a random linear extension of the DAG.
   */
  readonly pick?: (readyCount: number) => number;
}

/**
 * Kahn's algorithm from the sources: every task after all its parents. The one topological sort
 * of the code base (`topologicalOrder` below and `Dag.fromSpec` both run it). On an acyclic DAG
 * every task appears once; tasks on or behind a cycle never do, so the order is shorter than
 * `taskCount` exactly when a task reachable only through a cycle exists.
 */
export function topologicalIndexOrder(graph: IndexTopology, options: TopologicalOrderOptions = {}): Int32Array {
  const { pick } = options;
  // -1: not reached yet (its count is read on first reach).
  const parentsLeft = new Int32Array(graph.taskCount).fill(-1);
  const order = new Int32Array(graph.taskCount);
  let tail = 0;
  let ready: number[] = [];
  const release = (child: number): void => {
    const seen = parentsLeft[child] as number;
    const left = (seen === -1 ? graph.parentCount(child) : seen) - 1;
    parentsLeft[child] = left;
    if (left !== 0) return;
    if (pick) ready.push(child);
    else order[tail++] = child;
  };
  if (pick) {
    ready = Array.from(graph.sources);
    while (ready.length > 0) {
      const task = ready.splice(pick(ready.length), 1)[0] as number;
      order[tail++] = task;
      graph.forEachChild(task, release);
    }
  } else {
    for (let k = 0; k < graph.sources.length; k += 1) order[tail++] = graph.sources[k] as number;
    for (let head = 0; head < tail; head += 1) graph.forEachChild(order[head] as number, release);
  }
  return order.subarray(0, tail);
}

/**
 * The same order over task ids: the tasks reachable from `graph.sources()` get indices in the order
 * they are first reached, then `topologicalIndexOrder` sorts them.
 */
export function topologicalOrder(graph: TopologyView, options: TopologicalOrderOptions = {}): string[] {
  const ids: string[] = [...graph.sources()];
  const indexOf = new Map<string, number>();
  ids.forEach((id, i) => indexOf.set(id, i));
  const childIndices: number[][] = [];
  for (let i = 0; i < ids.length; i += 1) {
    const children = graph.children(ids[i] as string);
    const indices = new Array<number>(children.length);
    children.forEach((child, k) => {
      let index = indexOf.get(child);
      if (index === undefined) {
        index = ids.length;
        ids.push(child);
        indexOf.set(child, index);
      }
      indices[k] = index;
    });
    childIndices.push(indices);
  }
  const sourceCount = graph.sources().length;
  const sources = Int32Array.from({ length: sourceCount }, (_, i) => i);
  const order = topologicalIndexOrder(
    {
      taskCount: ids.length,
      sources,
      parentCount: (task) => graph.parents(ids[task] as string).length,
      forEachChild: (task, visit) => {
        for (const child of childIndices[task] as number[]) visit(child);
      },
    },
    options,
  );
  return Array.from(order, (i) => ids[i] as string);
}
