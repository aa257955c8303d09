import type { CompiledRunDag } from '../runtime/run-dag.js';

/** The one-line shape of a DAG: tasks, edges, sources, sinks, depth (longest path in tasks). */
export function dagShape(dag: CompiledRunDag, tasks: number) {
  const order = dag.topologicalOrder();
  const level = new Map<string, number>();
  let edges = 0;
  let depth = 0;
  let sinks = 0;
  for (const id of order) {
    const parents = dag.parents(id);
    edges += parents.length;
    const mine = 1 + parents.reduce((m, p) => Math.max(m, level.get(p) ?? 0), 0);
    level.set(id, mine);
    depth = Math.max(depth, mine);
    if (dag.children(id).length === 0) sinks += 1;
  }
  return { tasks, edges, sources: dag.sources().length, sinks, depth };
}
