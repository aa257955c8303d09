import type { ScheduleGraph } from '../model/graph-view.js';

/**
 * WUKONG's static schedule of a source task: the tasks reachable from it, in depth-first order
 * over dependents. The submitter invokes one executor per source; an executor prefers ready
 * children that come earlier in its schedule when it picks which one to become.
 */
export function staticSchedule(graph: ScheduleGraph, sourceId: string): string[] {
  const order: string[] = [];
  const seen = new Set<string>([sourceId]);
  // Iterative DFS (a recursive one overflows the stack on long chains).
  const stack: string[] = [sourceId];
  while (stack.length > 0) {
    const taskId = stack.pop() as string;
    order.push(taskId);
    const children = graph.children(taskId);
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i] as string;
      if (seen.has(child)) continue;
      seen.add(child);
      stack.push(child);
    }
  }
  return order;
}

/** A rank function over a schedule: position in it; tasks outside it come last. */
export function scheduleRank(schedule: readonly string[]): (taskId: string) => number {
  const positions = new Map<string, number>();
  schedule.forEach((taskId, index) => positions.set(taskId, index));
  return (taskId) => positions.get(taskId) ?? Number.MAX_SAFE_INTEGER;
}
