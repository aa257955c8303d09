import type { ScheduleGraph } from '../scheduler/graph-view.js';
import type { Plan } from './annotated-dag.js';
import { workerSpecOfTier } from './tiers.js';

/** A seeded xorshift generator: plans and interleavings are reproducible from one number. */
export function seededRandom(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

export interface RandomPlanOptions {
  readonly workers: number;
  /** Every task annotated dup (else: at random). */
  readonly dupAll?: boolean;
  /** Give every task an explicit `order` from a random topological order (else: at random). */
  readonly explicitOrder?: boolean;
  /** Tiers (MB) workers are drawn from (default 1,769 and 3,008). */
  readonly tiers?: readonly number[];
}

/** A random topological order (a random linear extension of the DAG). */
export function randomTopologicalOrder(graph: ScheduleGraph, tasks: readonly string[], random: () => number): string[] {
  const indegree = new Map(tasks.map((id) => [id, graph.parents(id).length]));
  const ready = tasks.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    const [id] = ready.splice(Math.floor(random() * ready.length), 1) as [string];
    order.push(id);
    for (const child of graph.children(id)) {
      const left = (indegree.get(child) as number) - 1;
      indegree.set(child, left);
      if (left === 0) ready.push(child);
    }
  }
  return order;
}

/**
 * A deliberately random planner: a random worker per task, random consistent orders (or none),
 * random preload / prewarm / dup. Any such plan must run correctly; only its speed may suffer.
 */
export function randomPlan(graph: ScheduleGraph, tasks: readonly string[], seed: number, options: RandomPlanOptions): Pick<Plan, 'tasks' | 'workers'> & Plan {
  const random = seededRandom(seed);
  const explicitOrder = options.explicitOrder ?? random() < 0.5;
  const order = randomTopologicalOrder(graph, tasks, random);
  const position = new Map(order.map((id, i) => [id, i]));
  const planTasks: Plan['tasks'] = {};
  const used = new Set<number>();
  for (const id of tasks) {
    const worker = Math.floor(random() * options.workers);
    used.add(worker);
    const prewarm = random() < 0.3 ? [Math.floor(random() * options.workers)] : [];
    planTasks[id] = {
      worker,
      preload: random() < 0.5,
      prewarm,
      dup: options.dupAll ?? random() < 0.3,
      ...(explicitOrder ? { order: position.get(id) as number } : {}),
    };
  }
  const workers: Plan['workers'] = {};
  const tiers = options.tiers ?? [1769, 3008];
  for (const worker of used) workers[String(worker)] = workerSpecOfTier(tiers[Math.floor(random() * tiers.length)] as number);
  // Prewarm ids must name workers that exist.
  for (const annotation of Object.values(planTasks)) annotation.prewarm = annotation.prewarm.filter((w) => used.has(w));
  return { algorithm: 'random', sla: 'avg', tasks: planTasks, workers };
}
