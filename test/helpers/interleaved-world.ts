import type { ScheduleGraph } from '../../src/model/graph-view.js';

/**
 * What the executors of an interleaved run (./interleaved-run.ts, ./planned-interleaved-run.ts)
 * share, as Redis holds it for a real run: intermediates by task id and fan-in marks per child.
 * Every answer is checked: a get of something never stored throws. `asker` prefixes messages.
 */
export class InterleavedWorld {
  private readonly stored = new Map<string, string>();
  private readonly fanIns = new Map<string, { members: Set<string>; completer?: string }>();

  has(taskId: string): boolean {
    return this.stored.has(taskId);
  }

  /** Answers a get into the executor's memory. */
  get(taskId: string, memory: Map<string, string>, asker = ''): void {
    const value = this.stored.get(taskId);
    if (value === undefined) throw new Error(`${asker}get of ${taskId} before it was stored`);
    memory.set(taskId, value);
  }

  /** Answers a put from the executor's memory. */
  put(taskId: string, memory: ReadonlyMap<string, string>): void {
    const value = memory.get(taskId);
    if (value === undefined) throw new Error(`put of ${taskId} not in memory`);
    this.stored.set(taskId, value);
  }

  markedParents(childId: string): string[] {
    return [...(this.fanIns.get(childId)?.members ?? [])];
  }

  /**
   * Marks `parentId` in `childId`'s fan-in, as the Lua script does: the mark that brings the set to
   * `expected` members completes it, and only that parent is told so (again, should it mark again).
   * `completedNow`: this call made the completion.
   */
  markFanIn(childId: string, parentId: string, expected: number): { complete: boolean; completedNow: boolean } {
    const state = this.fanIns.get(childId) ?? { members: new Set<string>() };
    this.fanIns.set(childId, state);
    state.members.add(parentId);
    const completedNow = state.completer === undefined && state.members.size === expected;
    if (completedNow) state.completer = parentId;
    return { complete: state.completer === parentId, completedNow };
  }
}

/** Runs task `id` as the reference op does: its value names the task and its inputs, read from memory. */
export function runInMemory(graph: ScheduleGraph, id: string, memory: Map<string, string>, asker = ''): string {
  const inputs = graph.parents(id).map((p) => {
    const v = memory.get(p);
    if (v === undefined) throw new Error(`${asker}${id} ran without input ${p}`);
    return v;
  });
  const value = `${id}(${inputs.join(',')})`;
  memory.set(id, value);
  return value;
}

/** Takes one pending answer at random (seeded): the order real stores and invokers answer in. */
export function takeAtRandom<T>(pending: T[], random: () => number): T {
  const index = Math.floor(random() * pending.length);
  return pending.splice(index, 1)[0] as T;
}
