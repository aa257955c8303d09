import type { Plan } from './annotated-dag.js';

/**
 * Each worker's tasks in the order it runs them: by the plan's `order` (ties and absent orders:
 * the DAG's topological order). When orders grow along every edge (./validate-plan.ts checks it),
 * the workers' lists are slices of one global topological order, so no two workers can wait on
 * each other: the earliest unfinished task in that order always has its inputs.
 */
export function workerTaskLists(dag: { topologicalOrder(): readonly string[] }, plan: Pick<Plan, 'tasks'>): Map<number, string[]> {
  const topo = dag.topologicalOrder();
  const position = new Map<string, number>();
  topo.forEach((id, i) => position.set(id, i));
  const keyed = topo.map((id) => ({ id, order: plan.tasks[id]?.order ?? -1, position: position.get(id) as number }));
  keyed.sort((a, b) => a.order - b.order || a.position - b.position);
  const lists = new Map<number, string[]>();
  for (const { id } of keyed) {
    const worker = plan.tasks[id]?.worker;
    if (worker === undefined) throw new Error(`task ${id} has no worker in the plan`);
    let list = lists.get(worker);
    if (!list) lists.set(worker, (list = []));
    list.push(id);
  }
  return lists;
}
