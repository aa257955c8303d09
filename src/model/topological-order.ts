/** What a topological order needs of a DAG: `Dag`, `RunDag` and lighter test views all fit. */
export interface TopologyView {
  sources(): readonly string[];
  parents(taskId: string): readonly string[];
  children(taskId: string): readonly string[];
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
 * of the code base. On an acyclic DAG every task appears once; tasks on or behind a cycle never do.
 */
export function topologicalOrder(graph: TopologyView, options: TopologicalOrderOptions = {}): string[] {
  const parentsLeft = new Map<string, number>();
  const { pick } = options;
  const ready = [...(graph.sources())];
  const order: string[] = pick ? [] : ready;
  for (let head = 0; head < ready.length; head += pick ? 0 : 1) {
    let taskId: string;
    if (pick) {
      taskId = ready.splice(pick(ready.length), 1)[0] as string;
      order.push(taskId);
    } else {
      taskId = ready[head] as string;
    }
    for (const child of graph.children(taskId)) {
      const left = (parentsLeft.get(child) ?? graph.parents(child).length) - 1;
      parentsLeft.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return order;
}
