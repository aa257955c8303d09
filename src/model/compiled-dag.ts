import { parseDepRef, type DagSpec, type TaskSpec } from './dag-schema.js';
import type { RunDag } from './run-spec.js';
import { topologicalOrder } from './topological-order.js';
import { emptyArray } from './empty-array.js';

export interface CompiledRunDag extends RunDag {
  /** Refs the client collects: the DAG's `outputs`, or every sink. */
  outputRefs(): string[];
  topologicalOrder(): string[];
}

type InputRef = { taskId: string; output: number };

/** The task a dep ref names: the ref itself unless it names an output (`task#n`). */
function depTaskId(ref: string): string {
  return ref.includes('#') ? parseDepRef(ref).taskId : ref;
}

/** The tasks `deps` name, each once, in order of first mention. */
function distinctTaskIds(deps: readonly string[]): string[] {
  // Most tasks have a few deps: a scan of those found so far is cheaper than a Set (the client
  // asks for every task's parents once a run, for the fan-in table of the embedded backend).
  if (deps.length > 16) return [...new Set(deps.map(depTaskId))];
  const ids: string[] = [];
  for (const ref of deps) {
    const id = depTaskId(ref);
    if (!ids.includes(id)) ids.push(id);
  }
  return ids;
}

/**
 * The executor's view of an already validated DAG, cheap enough to rebuild in every executor
 * thread or Lambda container for every run: one pass indexes tasks and children; a task's parents
 * and input refs are worked out when first asked for, since an executor asks about the few tasks
 * it meets (a 10,000-task tree's executor meets a dozen), and this pass runs mostly unoptimized
 * (a thread compiles each run once). Validation (and the graphlib model) live in src/dag; this
 * trusts its input.
 */
export function runDagFromSpec(spec: DagSpec): CompiledRunDag {
  const tasks = new Map<string, TaskSpec>();
  const children = new Map<string, string[]>();
  for (const task of spec.tasks) tasks.set(task.id, task);
  for (const task of spec.tasks) {
    const deps = task.deps;
    if (deps === undefined) continue;
    for (const ref of deps) {
      const parent = depTaskId(ref);
      const siblings = children.get(parent);
      if (siblings === undefined) children.set(parent, [task.id]);
      // A task listing several outputs of one parent is its child once: while this task's refs
      // are read, it can only be the last child pushed.
      else if (siblings[siblings.length - 1] !== task.id) siblings.push(task.id);
    }
  }
  const parents = new Map<string, readonly string[]>();
  const refs = new Map<string, readonly InputRef[]>();
  const none = emptyArray<string>();
  const parentsOf = (id: string): readonly string[] => {
    let found = parents.get(id);
    if (found === undefined) {
      const deps = tasks.get(id)?.deps;
      found = deps === undefined || deps.length === 0 ? none : distinctTaskIds(deps);
      parents.set(id, found);
    }
    return found;
  };
  const childrenOf = (id: string): readonly string[] => children.get(id) ?? none;
  let sources: readonly string[] | undefined;
  const sourcesOf = () => (sources ??= spec.tasks.filter((t) => t.deps === undefined || t.deps.length === 0).map((t) => t.id));
  let outputTasks: ReadonlySet<string> | undefined;
  const outputRefs = () => spec.outputs ?? spec.tasks.filter((t) => !children.has(t.id)).map((t) => t.id);
  return {
    parents: parentsOf,
    children: childrenOf,
    isOutput: (id) => (outputTasks ??= new Set(outputRefs().map(depTaskId))).has(id),
    task: (id) => {
      const task = tasks.get(id);
      if (!task) throw new Error(`unknown task ${id}`);
      return task;
    },
    inputRefs: (id) => {
      let found = refs.get(id);
      if (found === undefined) {
        const deps = tasks.get(id)?.deps;
        found = deps === undefined || deps.length === 0 ? emptyArray<InputRef>() : deps.map(parseDepRef);
        refs.set(id, found);
      }
      return found;
    },
    sources: sourcesOf,
    outputRefs: () => [...outputRefs()],
    topologicalOrder: () => topologicalOrder({ sources: sourcesOf, parents: parentsOf, children: childrenOf }),
  };
}
