import type { Dag } from '../dag/dag.js';
import type { Plan } from '../model/annotated-dag.js';
import { planDag, type PlanDagOptions } from './plan-dag.js';
import type { PlanningAlgorithm } from './planning-algorithm.js';
import { ObservedTimesMetadata, remainingDag } from './replan.js';

/**
 * Plans of a run resumed from a result cache (issue 19): the client knows its hits before it
 * plans, so the plan covers only the tasks that must run. The hits those tasks read are in the
 * intermediate store before any worker starts (RunSpec.fromCache).
 */

/**
 * Plans the tasks in `toRun` with `algorithm`. The planner sees the sub-DAG those tasks make plus,
 * as sources, the hits they read: finished tasks, exactly as when re-planning a run (their
 * predicted compute time is 0 and the estimator counts them stored), so a planner needs nothing
 * new to plan a cached run. The hits are then dropped from the plan, and so are workers left
 * without a task.
 */
export async function planToRun(dag: Dag, toRun: ReadonlySet<string>, algorithm: PlanningAlgorithm, options: PlanDagOptions): Promise<Plan> {
  const notRun = new Set(dag.topologicalOrder().filter((id) => !toRun.has(id)));
  const { remaining, done } = remainingDag(dag, notRun);
  const metadata = new ObservedTimesMetadata(options.metadata, (id) => (done.has(id) ? 0 : 1));
  const annotated = await planDag(remaining, algorithm, { ...options, metadata, done });
  return coveringOnly(annotated.plan, toRun);
}

/**
 * A plan made for the whole DAG (an annotated DAG file) cut to the tasks in `toRun`. Each worker
 * keeps its tasks in their order, so order still grows along every edge; its forecast was for the
 * whole DAG, so it is dropped.
 */
export function restrictPlan(plan: Plan, toRun: ReadonlySet<string>): Plan {
  const { predicted: _forecastOfTheWholeDag, ...rest } = coveringOnly(plan, toRun);
  return rest;
}

function coveringOnly(plan: Plan, toRun: ReadonlySet<string>): Plan {
  const kept = Object.entries(plan.tasks).filter(([id]) => toRun.has(id));
  const used = new Set(kept.map(([, task]) => String(task.worker)));
  // A prewarm of a worker that now has nothing to run would start a function for nothing.
  const tasks = Object.fromEntries(kept.map(([id, task]) => [id, { ...task, prewarm: task.prewarm.filter((w) => used.has(String(w))) }]));
  const workers = Object.fromEntries(Object.entries(plan.workers).filter(([worker]) => used.has(worker)));
  const replanAfter = plan.replanAfter?.filter((id) => toRun.has(id));
  const schedule = plan.schedule ? Object.fromEntries(Object.entries(plan.schedule).filter(([id]) => toRun.has(id))) : undefined;
  const { replanAfter: _points, schedule: _schedule, ...rest } = plan;
  return { ...rest, tasks, workers, ...(replanAfter && replanAfter.length > 0 ? { replanAfter } : {}), ...(schedule ? { schedule } : {}) };
}
