import { parseDepRef, type DagSpec, type TaskSpec } from './dag-schema.js';
import type { RunDag } from './run-spec.js';
import { topologicalOrder } from './topological-order.js';

export interface CompiledRunDag extends RunDag {
  /** Refs the client collects: the DAG's `outputs`, or every sink. */
  outputRefs(): string[];
  topologicalOrder(): string[];
}

/**
 * The executor's view of an already validated DAG: flat arrays and maps built in one O(V+E) pass,
 * cheap enough to rebuild in every executor thread or Lambda container. Validation (and the
 * graphlib model) live in src/dag; this trusts its input.
 */
export function runDagFromSpec(spec: DagSpec): CompiledRunDag {
  const tasks = new Map<string, TaskSpec>();
  const parents = new Map<string, string[]>();
  const refs = new Map<string, { taskId: string; output: number }[]>();
  const children = new Map<string, string[]>();
  for (const task of spec.tasks) {
    tasks.set(task.id, task);
    children.set(task.id, []);
  }
  for (const task of spec.tasks) {
    const inputRefs = (task.deps ?? []).map(parseDepRef);
    refs.set(task.id, inputRefs);
    const distinct = [...new Set(inputRefs.map((r) => r.taskId))];
    parents.set(task.id, distinct);
    for (const parent of distinct) children.get(parent)?.push(task.id);
  }
  const sinks = spec.tasks.filter((t) => (children.get(t.id) ?? []).length === 0).map((t) => t.id);
  const outputRefs = spec.outputs ?? sinks;
  const outputTasks = new Set(outputRefs.map((r) => parseDepRef(r).taskId));
  const sources = spec.tasks.filter((t) => (parents.get(t.id) ?? []).length === 0).map((t) => t.id);
  const none: readonly string[] = [];
  return {
    parents: (id) => parents.get(id) ?? none,
    children: (id) => children.get(id) ?? none,
    isOutput: (id) => outputTasks.has(id),
    task: (id) => {
      const task = tasks.get(id);
      if (!task) throw new Error(`unknown task ${id}`);
      return task;
    },
    inputRefs: (id) => refs.get(id) ?? [],
    sources: () => sources,
    outputRefs: () => [...outputRefs],
    topologicalOrder: () => topologicalOrder({ sources: () => sources, parents: (id) => parents.get(id) ?? none, children: (id) => children.get(id) ?? none }),
  };
}
