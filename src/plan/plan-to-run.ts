import type { Dag } from '../dag/dag.js';
import type { Plan } from '../model/annotated-dag.js';
import { planDag, type PlanDagOptions } from './plan-dag.js';
import type { PlanningAlgorithm } from './planning-algorithm.js';
import { ObservedTimesMetadata, remainingDag } from './replan.js';
import { coveringOnly } from './restrict-plan.js';

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
