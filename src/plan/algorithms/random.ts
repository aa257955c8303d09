import { randomPlan } from '../random-plan.js';
import type { PlanningAlgorithm } from '../planning-algorithm.js';

/** Workers of the `random` planner when `--max-workers` names none. */
export const RANDOM_PLANNER_DEFAULT_WORKERS = 8;
/** Fixed, so `--planner random` gives the same plan for the same DAG every time. */
const SEED = 1;

/**
 * A deliberately random plan: a random worker and tier per worker, random consistent orders,
 * random preload / prewarm / dup. Any such plan must run correctly (the property tests run
 * thousands); as a research baseline it shows what a plan that uses no prediction is worth.
 */
export const randomPlanner: PlanningAlgorithm = {
  name: 'random',
  plan(dag, _metadata, _sla, context) {
    const { tasks, workers } = randomPlan(dag, dag.topologicalOrder(), SEED, {
      workers: context.maxWorkers ?? RANDOM_PLANNER_DEFAULT_WORKERS,
      tiers: context.tiers,
    });
    return { tasks, workers };
  },
};
