import { lambdaVcpuOf } from '../model/cost-model.js';
import type { Dag } from '../dag/dag.js';
import { BadInputError } from '../model/errors.js';
import type { TaskAnnotationInput, WorkerSpec } from '../model/annotated-dag.js';
import { vcpuMatchesMemory } from './tiers.js';
import { replanPointProblems } from './replan-phases.js';

export type PlanProblemCode =
  | 'task-not-planned'
  | 'unknown-task'
  | 'unknown-worker'
  | 'unused-worker'
  | 'tier-not-available'
  | 'vcpu-mismatch'
  | 'unknown-prewarm-worker'
  | 'partial-order'
  | 'order-against-edge'
  | 'bad-replan-point'
  | 'bad-format';

/** One thing wrong with a plan, naming the tasks and workers involved. */
export interface PlanProblem {
  readonly code: PlanProblemCode;
  readonly message: string;
  readonly taskIds?: readonly string[];
  readonly workerIds?: readonly number[];
}

/** Problems shown in the message; `problems` keeps them all. */
const PROBLEMS_IN_MESSAGE = 20;

/** A plan that cannot run as given (exit 2): every problem found, each naming its tasks / workers. */
export class PlanValidationError extends BadInputError {
  readonly problems: readonly PlanProblem[];
  constructor(problems: readonly PlanProblem[], source?: string) {
    const shown = problems.slice(0, PROBLEMS_IN_MESSAGE).map((problem) => `  - ${problem.message}`);
    const more = problems.length > PROBLEMS_IN_MESSAGE ? [`  ... and ${problems.length - PROBLEMS_IN_MESSAGE} more`] : [];
    super(`invalid plan${source === undefined ? '' : ` from ${source}`}: ${problems.length} problem(s)\n${[...shown, ...more].join('\n')}`);
    this.problems = problems;
  }
}

/** What validatePlan reads: a parsed Plan, or a planner's output before defaults are filled. */
export interface PlanToValidate {
  readonly tasks: Readonly<Record<string, TaskAnnotationInput>>;
  readonly workers: Readonly<Record<string, WorkerSpec>>;
  readonly replanAfter?: readonly string[] | undefined;
  readonly prewarmAtStart?: readonly number[] | undefined;
}

/** Lists what a schema cannot see; empty when the plan is runnable on this DAG with these tiers. */
export function findPlanProblems(dag: Dag, plan: PlanToValidate, options: { readonly tiers: readonly number[] }): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const tiers = new Set(options.tiers);
  const usedWorkers = new Set<number>();
  const missingWorkers = new Map<number, string[]>();

  for (const id of dag.taskIds()) {
    const annotation = plan.tasks[id];
    if (annotation === undefined) {
      problems.push({ code: 'task-not-planned', message: `task ${id} has no annotation (no worker assigned)`, taskIds: [id] });
      continue;
    }
    usedWorkers.add(annotation.worker);
    if (!Object.hasOwn(plan.workers, String(annotation.worker))) {
      const tasks = missingWorkers.get(annotation.worker) ?? [];
      tasks.push(id);
      missingWorkers.set(annotation.worker, tasks);
    }
  }
  for (const id of Object.keys(plan.tasks)) {
    if (!dag.has(id)) problems.push({ code: 'unknown-task', message: `the plan annotates task ${id}, which is not in the DAG`, taskIds: [id] });
  }
  for (const [worker, taskIds] of missingWorkers) {
    problems.push({ code: 'unknown-worker', message: `worker ${worker} runs ${describeTasks(taskIds)} but has no entry in "workers"`, taskIds, workerIds: [worker] });
  }
  for (const [key, spec] of Object.entries(plan.workers)) {
    const worker = Number(key);
    if (!usedWorkers.has(worker)) problems.push({ code: 'unused-worker', message: `worker ${key} is configured but runs no task`, workerIds: [worker] });
    if (!tiers.has(spec.memoryMb)) {
      problems.push({ code: 'tier-not-available', message: `worker ${key} has ${spec.memoryMb} MB, not one of the available tiers (${[...tiers].join(', ')} MB)`, workerIds: [worker] });
    }
    if (!vcpuMatchesMemory(spec.memoryMb, spec.vcpu)) {
      const expected = lambdaVcpuOf(spec.memoryMb).toFixed(3);
      problems.push({ code: 'vcpu-mismatch', message: `worker ${key} has vcpu ${spec.vcpu}, but ${spec.memoryMb} MB gives ${expected} (Lambda: min(6, memoryMb / 1769))`, workerIds: [worker] });
    }
  }
  for (const [id, annotation] of Object.entries(plan.tasks)) {
    for (const target of annotation.prewarm ?? []) {
      if (!Object.hasOwn(plan.workers, String(target)) && !usedWorkers.has(target)) {
        problems.push({ code: 'unknown-prewarm-worker', message: `task ${id} pre-warms worker ${target}, which is no worker of the plan`, taskIds: [id], workerIds: [target] });
      }
    }
  }
  for (const target of plan.prewarmAtStart ?? []) {
    if (!Object.hasOwn(plan.workers, String(target))) problems.push({ code: 'unknown-prewarm-worker', message: `the client pre-warms worker ${target} at the start, which is no worker of the plan`, workerIds: [target] });
  }
  problems.push(...orderProblems(dag, plan), ...replanPointProblems(dag, plan.replanAfter ?? []));
  return problems;
}

/** Throws PlanValidationError listing every problem; returns quietly when there is none. */
export function validatePlan(dag: Dag, plan: PlanToValidate, options: { readonly tiers: readonly number[]; readonly source?: string }): void {
  const problems = findPlanProblems(dag, plan, options);
  if (problems.length > 0) throw new PlanValidationError(problems, options.source);
}

/** `order` on all tasks or none, and growing along every edge (so workers cannot wait on each other). */
function orderProblems(dag: Dag, plan: PlanToValidate): PlanProblem[] {
  const ids = dag.taskIds();
  const withOrder = ids.filter((id) => plan.tasks[id]?.order !== undefined);
  if (withOrder.length === 0) return [];
  const planned = ids.filter((id) => plan.tasks[id] !== undefined);
  if (withOrder.length < planned.length) {
    const without = planned.filter((id) => plan.tasks[id]?.order === undefined);
    return [{ code: 'partial-order', message: `"order" is given on ${withOrder.length} task(s) but not on ${describeTasks(without)}: give it on every task or none`, taskIds: without }];
  }
  const problems: PlanProblem[] = [];
  for (const id of ids) {
    const order = plan.tasks[id]?.order;
    if (order === undefined) continue;
    for (const parent of dag.parents(id)) {
      const parentOrder = plan.tasks[parent]?.order;
      if (parentOrder !== undefined && parentOrder >= order) {
        problems.push({ code: 'order-against-edge', message: `task ${id} has order ${order}, not after its input ${parent} (order ${parentOrder})`, taskIds: [parent, id] });
      }
    }
  }
  return problems;
}

function describeTasks(taskIds: readonly string[]): string {
  const shown = taskIds.slice(0, 5).join(', ');
  return taskIds.length > 5 ? `tasks ${shown} and ${taskIds.length - 5} more` : taskIds.length === 1 ? `task ${shown}` : `tasks ${shown}`;
}
