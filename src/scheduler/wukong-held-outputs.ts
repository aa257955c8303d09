import type { ScheduleGraph } from '../model/graph-view.js';

/** A graph that may say which output of each parent a task reads (Dag and RunDag do). */
export interface RefGraph extends ScheduleGraph {
  inputRefs?(taskId: string): readonly { readonly taskId: string; readonly output: number }[];
}

/** One fetch to make: outputs of `taskId` numbered `outputs`, or all when undefined. */
export interface NeededFetch {
  readonly taskId: string;
  readonly outputs: readonly number[] | undefined;
}

/**
 * Which outputs an executor holds in memory, per output: a task that ran here or arrived inline is
 * held whole; a fetched parent holds only the outputs its consumers referenced, so a consumer of
 * `t#1` never downloads `t#0` (issue 14), and a later consumer of `t#0` fetches just that one.
 */
export class HeldOutputs {
  private readonly whole = new Set<string>();
  private readonly partial = new Map<string, Set<number>>();
  private readonly pending = new Map<string, readonly number[] | undefined>();

  constructor(private readonly graph: RefGraph) {}

  holdWhole(taskId: string): void {
    this.whole.add(taskId);
  }

  holdsWhole(taskId: string): boolean {
    return this.whole.has(taskId);
  }

  /** What `taskId` still needs fetched before it can run; each is then pending until `fetched`. */
  missingFor(taskId: string): NeededFetch[] {
    const needed: NeededFetch[] = [];
    // One pass over the task's refs for all its parents: a fan-in of n parents would otherwise
    // scan its n refs once per parent (n^2; 10^8 steps for a 10,000-way fan-in).
    const readByParent = outputsReadByParent(this.graph, taskId);
    for (const parent of this.graph.parents(taskId)) {
      if (this.whole.has(parent)) continue;
      const used = readByParent && (readByParent.get(parent) ?? []);
      if (used === undefined) {
        needed.push({ taskId: parent, outputs: undefined });
        continue;
      }
      const held = this.partial.get(parent);
      const outputs = used.filter((i) => !held?.has(i));
      if (outputs.length > 0) needed.push({ taskId: parent, outputs });
    }
    for (const fetch of needed) this.pending.set(fetch.taskId, fetch.outputs);
    return needed;
  }

  /** A fetch answered; true when no fetch is pending any more. */
  fetched(taskId: string): boolean {
    const outputs = this.pending.get(taskId);
    this.pending.delete(taskId);
    if (outputs === undefined) {
      this.whole.add(taskId);
    } else {
      let held = this.partial.get(taskId);
      if (!held) {
        held = new Set();
        this.partial.set(taskId, held);
      }
      for (const i of outputs) held.add(i);
    }
    return this.pending.size === 0;
  }

}

/** Output numbers of each parent that `taskId` reads, distinct and sorted; undefined when the graph cannot say. */
function outputsReadByParent(graph: RefGraph, taskId: string): Map<string, number[]> | undefined {
  if (!graph.inputRefs) return undefined;
  const used = new Map<string, Set<number>>();
  for (const ref of graph.inputRefs(taskId)) {
    let outputs = used.get(ref.taskId);
    if (!outputs) used.set(ref.taskId, (outputs = new Set()));
    outputs.add(ref.output);
  }
  return new Map([...used].map(([parent, outputs]) => [parent, [...outputs].sort((a, b) => a - b)]));
}

/**
 * Output numbers of `parent` that any of `consumers` reads, distinct and sorted; undefined when the
 * graph cannot say (then every output is fetched). Planned workers fetch a parent once for all
 * their tasks that read it.
 */
export function outputsReadBy(graph: RefGraph, consumers: Iterable<string>, parent: string): number[] | undefined {
  if (!graph.inputRefs) return undefined;
  const used = new Set<number>();
  for (const consumer of consumers) for (const ref of graph.inputRefs(consumer)) if (ref.taskId === parent) used.add(ref.output);
  return [...used].sort((a, b) => a - b);
}
