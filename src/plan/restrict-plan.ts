import type { Plan } from '../model/annotated-dag.js';

// Apart from plan-to-run.ts, which plans: the run client cuts a file's plan to what runs without
// loading the planners (a WUKONG-mode run never needs them).

/**
 * A plan made for the whole DAG (an annotated DAG file) cut to the tasks in `toRun`. Each worker
 * keeps its tasks in their order, so order still grows along every edge; its forecast was for the
 * whole DAG, so it is dropped.
 */
export function restrictPlan(plan: Plan, toRun: ReadonlySet<string>): Plan {
  const { predicted: _forecastOfTheWholeDag, ...rest } = coveringOnly(plan, toRun);
  return rest;
}

/** The plan's tasks in `toRun`, the workers that run them, and what of its points and schedule concern them. */
export function coveringOnly(plan: Plan, toRun: ReadonlySet<string>): Plan {
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
