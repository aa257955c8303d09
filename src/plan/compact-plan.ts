import { BadInputError } from '../model/errors.js';
import { emptyRecord } from '../model/own-record.js';
import type { TaskAnnotationInput, WorkerSpec } from '../model/annotated-dag.js';
import type { PlanOutput } from './planning-algorithm.js';
import type { TaskCosts } from './task-costs.js';
import { workerSpecOfTier } from './tiers.js';

/**
 * A plan as flat arrays over task indices (see ./plan-graph.ts), the form planners build and the
 * estimator reads. Workers are dense indices 0..workerCount-1 here; `toPlanOutput` names them.
 */
export interface CompactPlan {
  /** worker index of each task. */
  workerOf: Int32Array;
  /** tier index (into TaskCosts.tiers) of each worker. */
  tierOf: number[];
  preload: Uint8Array;
  dup: Uint8Array;
  /** task index -> worker indices it pre-warms when it starts. */
  prewarm: Map<number, number[]>;
  /** Plan order per task; undefined: the DAG's topological order. */
  order: Float64Array | undefined;
  /** Park threshold per task (ms; NaN: the run's default); undefined: none set. */
  parkAfterMs?: Float64Array | undefined;
  /** Plan.hedgeStarts: the client invokes each awaited start worker twice (src/scheduler/planned-start.ts); undefined: as the platform suggests (src/plan/start-tail.ts). */
  hedgeStarts?: boolean | undefined;
  /** Plan.prewarmAtStart: workers the client pre-warms after its start calls (./start-prewarms.ts); undefined: none. */
  prewarmAtStart?: number[] | undefined;
}

export function emptyCompactPlan(taskCount: number): CompactPlan {
  return { workerOf: new Int32Array(taskCount), tierOf: [], preload: new Uint8Array(taskCount), dup: new Uint8Array(taskCount), prewarm: new Map(), order: undefined };
}

export function cloneCompactPlan(plan: CompactPlan): CompactPlan {
  return {
    workerOf: plan.workerOf.slice(),
    tierOf: [...plan.tierOf],
    preload: plan.preload.slice(),
    dup: plan.dup.slice(),
    prewarm: new Map([...plan.prewarm].map(([task, workers]) => [task, [...workers]])),
    order: plan.order?.slice(),
    parkAfterMs: plan.parkAfterMs?.slice(),
    hedgeStarts: plan.hedgeStarts,
    prewarmAtStart: plan.prewarmAtStart ? [...plan.prewarmAtStart] : undefined,
  };
}

/** The plan in the annotated-DAG form: worker ids are the dense indices. */
export function toPlanOutput(costs: TaskCosts, plan: CompactPlan): { tasks: Record<string, TaskAnnotationInput>; workers: Record<string, WorkerSpec>; prewarmAtStart?: number[] } {
  const tasks = emptyRecord<TaskAnnotationInput>();
  const { ids } = costs.graph;
  for (let task = 0; task < ids.length; task += 1) {
    const annotation: TaskAnnotationInput = { worker: plan.workerOf[task] as number };
    if (plan.preload[task] === 1) annotation.preload = true;
    const prewarm = plan.prewarm.get(task);
    if (prewarm && prewarm.length > 0) annotation.prewarm = [...prewarm];
    if (plan.dup[task] === 1) annotation.dup = true;
    if (plan.order) annotation.order = plan.order[task] as number;
    const parkAfterMs = plan.parkAfterMs?.[task];
    if (parkAfterMs !== undefined && Number.isFinite(parkAfterMs)) annotation.parkAfterMs = Math.round(parkAfterMs);
    tasks[ids[task] as string] = annotation;
  }
  const workers = emptyRecord<WorkerSpec>();
  plan.tierOf.forEach((tier, worker) => (workers[String(worker)] = workerSpecOfTier(costs.tiers[tier] as number)));
  return { tasks, workers, ...(plan.prewarmAtStart && plan.prewarmAtStart.length > 0 ? { prewarmAtStart: [...plan.prewarmAtStart] } : {}) };
}

/**
 * A validated plan (every task annotated, tiers from `costs.tiers`) in compact form, for the
 * estimator. Worker ids may be any non-negative integers; they become dense indices.
 */
export function fromPlanOutput(costs: TaskCosts, output: Pick<PlanOutput, 'tasks' | 'workers' | 'hedgeStarts' | 'prewarmAtStart'>): CompactPlan {
  const { ids, taskCount } = costs.graph;
  const plan = emptyCompactPlan(taskCount);
  // Absent in a plan means no hedging, as the runtime reads it.
  plan.hedgeStarts = output.hedgeStarts === true;
  const denseOf = new Map<number, number>();
  const dense = (worker: number): number => {
    let index = denseOf.get(worker);
    if (index === undefined) {
      index = denseOf.size;
      denseOf.set(worker, index);
      const spec = output.workers[String(worker)];
      const tier = spec === undefined ? -1 : costs.tiers.indexOf(spec.memoryMb);
      if (tier === -1) throw new BadInputError(`worker ${worker} has no configuration from the available tiers`);
      plan.tierOf.push(tier);
    }
    return index;
  };
  const hasOrder = ids.some((id) => output.tasks[id]?.order !== undefined);
  if (hasOrder) plan.order = new Float64Array(taskCount);
  if (ids.some((id) => output.tasks[id]?.parkAfterMs !== undefined)) plan.parkAfterMs = new Float64Array(taskCount).fill(Number.NaN);
  ids.forEach((id, task) => {
    const annotation = output.tasks[id];
    if (!annotation) throw new BadInputError(`task ${id} has no annotation in the plan`);
    plan.workerOf[task] = dense(annotation.worker);
    if (annotation.preload) plan.preload[task] = 1;
    if (annotation.dup) plan.dup[task] = 1;
    if (plan.order) plan.order[task] = annotation.order ?? 0;
    if (plan.parkAfterMs) plan.parkAfterMs[task] = annotation.parkAfterMs ?? Number.NaN;
  });
  ids.forEach((id, task) => {
    const prewarm = output.tasks[id]?.prewarm;
    if (prewarm && prewarm.length > 0) plan.prewarm.set(task, prewarm.map(dense));
  });
  // A start-up prewarm of a worker that runs no task starts nothing (src/scheduler/planned-start.ts startPrewarms).
  const atStart = (output.prewarmAtStart ?? []).flatMap((worker) => (denseOf.has(worker) ? [denseOf.get(worker) as number] : []));
  if (atStart.length > 0) plan.prewarmAtStart = atStart;
  return plan;
}
