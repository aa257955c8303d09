import type { ScheduleGraph } from '../model/graph-view.js';
import { emptyRecord } from '../model/own-record.js';
import { topologicalOrder } from '../model/topological-order.js';
import type { Plan } from '../model/annotated-dag.js';
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
  const ready = tasks.filter((id) => graph.parents(id).length === 0);
  const view = { sources: () => ready, parents: (id: string) => graph.parents(id), children: (id: string) => graph.children(id) };
  return topologicalOrder(view, { pick: (readyCount) => Math.floor(random() * readyCount) });
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
  const planTasks: Plan['tasks'] = emptyRecord();
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
  const workers: Plan['workers'] = emptyRecord();
  const tiers = options.tiers ?? [1769, 3008];
  for (const worker of used) workers[String(worker)] = workerSpecOfTier(tiers[Math.floor(random() * tiers.length)] as number);
  // Prewarm ids must name workers that exist.
  for (const annotation of Object.values(planTasks)) annotation.prewarm = annotation.prewarm.filter((w) => used.has(w));
  return { algorithm: 'random', sla: 'avg', tasks: planTasks, workers };
}
