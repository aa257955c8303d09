import * as z from 'zod';
import { MAX_TASKS_PER_DAG } from '../model/limits.js';
import { closestName } from './closest-name.js';
import { Dag } from './dag.js';
import { DagValidationError, type DagProblem } from './dag-problem.js';
import { findCycle, formatCycle } from './find-cycle.js';
import type { OpArity, OpCatalog, OpSignature } from './op-catalog.js';
import { DagSpecSchema, parseDepRef, TaskSpecSchema, type DagSpec, type TaskSpec } from '../model/dag-schema.js';

export { DagValidationError, describeInvalidDag, formatProblem, type DagProblem, type DagProblemCode } from './dag-problem.js';
export { parseDagText, type ParsedDagText } from './parse-dag-text.js';

export type ValidationResult =
  | { readonly ok: true; readonly dag: Dag; readonly spec: DagSpec }
  | { readonly ok: false; readonly problems: readonly DagProblem[] };

/**
 * The DAG's top level with tasks left unchecked, so that one malformed task is reported as such
 * while the well-formed rest still gets every semantic check.
 */
const DagShellSchema = DagSpecSchema.extend({ tasks: z.array(z.unknown()) });

/**
 * Validates DAG JSON against the schema and the op catalog and builds its model. Reports every
 * problem found, not only the first: malformed tasks, ids, deps, output refs, ops, args, arity,
 * `outputs` entries, and one cycle (printed `a -> b -> c -> a`). O(V + E).
 */
export function validateDag(input: unknown, catalog: OpCatalog): ValidationResult {
  const problems: DagProblem[] = [];
  const shell = DagShellSchema.safeParse(input);
  if (!shell.success) problems.push(...schemaProblems(shell.error.issues, [], input));
  const rawTasks = isRecord(input) && Array.isArray(input.tasks) ? (input.tasks as unknown[]) : undefined;
  if (rawTasks === undefined) return { ok: false, problems };
  if (rawTasks.length > MAX_TASKS_PER_DAG) {
    return { ok: false, problems: [{ code: 'too-many-tasks', message: `the DAG has ${rawTasks.length} tasks; the limit is ${MAX_TASKS_PER_DAG}`, taskIds: [] }] };
  }
  if (rawTasks.length === 0) problems.push({ code: 'empty', message: 'the DAG has no tasks', taskIds: [] });

  // Well-formed tasks by position; a malformed one is undefined here but its id (when it has a
  // string id) still counts as existing, so deps on it are not also reported as unknown.
  const tasks: (TaskSpec | undefined)[] = rawTasks.map((raw, i) => {
    const parsed = TaskSpecSchema.safeParse(raw);
    if (parsed.success) return parsed.data;
    problems.push(...schemaProblems(parsed.error.issues, ['tasks', i], { tasks: rawTasks }));
    return undefined;
  });
  const firstIndex = new Map<string, number>();
  rawTasks.forEach((raw, i) => {
    const id = isRecord(raw) ? raw.id : undefined;
    if (typeof id !== 'string') return;
    if (firstIndex.has(id)) problems.push({ code: 'duplicate-id', message: `task id "${id}" is used more than once (tasks[${firstIndex.get(id)}] and tasks[${i}])`, taskIds: [id] });
    else firstIndex.set(id, i);
  });

  // The op of each well-formed task, looked up once (a producer is checked once per consumer).
  const opAt = tasks.map((task) => (task === undefined ? undefined : catalog.lookup(task.op)));
  let depHints = 0;
  const checkRef = (ref: string, dep: { taskId: string; output: number }, consumer: string | undefined): void => {
    const { taskId, output } = dep;
    const who = consumer === undefined ? [taskId] : [consumer, taskId];
    const producer = firstIndex.get(taskId);
    if (producer === undefined) {
      if (consumer === undefined) problems.push({ code: 'unknown-output', message: `outputs names "${ref}", which is no task`, taskIds: [taskId] });
      else {
        // Hints cost an edit distance against every id: only the first few unknown deps get one.
        const hint = depHints < MAX_DEP_HINTS ? closestName(taskId, [...firstIndex.keys()]) : undefined;
        depHints += 1;
        problems.push({ code: 'unknown-dep', message: `task ${consumer} depends on "${ref}", which is no task${hint ? `; did you mean "${hint}"?` : ''}`, taskIds: who });
      }
      return;
    }
    const producerOp = opAt[producer];
    if (producerOp === undefined) return; // a malformed producer or an unknown op: reported on its own
    const outputs = producerOp.outputs;
    if (!Number.isInteger(output) || output >= outputs) {
      problems.push({ code: 'bad-output-ref', message: `"${ref}": ${taskId} (${producerOp.name}) has ${plural(outputs, 'output')} (#0 to #${outputs - 1})`, taskIds: who });
    } else if (outputs > 1 && !ref.includes('#')) {
      const choices = Array.from({ length: outputs }, (_, i) => `${taskId}#${i}`).join(', ');
      problems.push({ code: 'bad-output-ref', message: `"${ref}": ${producerOp.name} has ${outputs} outputs; name one: ${choices}`, taskIds: who });
    }
  };

  tasks.forEach((task, i) => {
    if (task === undefined) return;
    for (const ref of task.deps ?? []) {
      const dep = parseDepRef(ref);
      if (dep.taskId === task.id) problems.push({ code: 'self-dep', message: `task ${task.id} depends on itself ("${ref}")`, taskIds: [task.id] });
      else checkRef(ref, dep, task.id);
    }
    checkOp(task, opAt[i], catalog, problems);
  });
  if (shell.success) for (const ref of shell.data.outputs ?? []) checkRef(ref, parseDepRef(ref), undefined);

  if (problems.length === 0) {
    // Everything but acyclicity is known good: the model finds a cycle while ordering the tasks.
    const spec = { ...(shell.data as DagSpec), tasks: tasks as TaskSpec[] };
    try {
      return { ok: true, dag: Dag.fromSpec(spec), spec };
    } catch (error) {
      if (error instanceof DagValidationError) return { ok: false, problems: error.problems };
      throw error;
    }
  }
  const cycle = cycleAmong(tasks, firstIndex);
  if (cycle) problems.push({ code: 'cycle', message: formatCycle(cycle), taskIds: cycle });
  return { ok: false, problems };
}

/** Unknown deps that get a "did you mean" (each costs a pass over every task id). */
const MAX_DEP_HINTS = 20;

function checkOp(task: TaskSpec, op: OpSignature | undefined, catalog: OpCatalog, problems: DagProblem[]): void {
  if (op === undefined) {
    const hint = closestName(task.op, catalog.names());
    problems.push({ code: 'unknown-op', message: `task ${task.id}: unknown op "${task.op}"${hint ? `; did you mean "${hint}"?` : ''}`, taskIds: [task.id] });
    return;
  }
  const args = op.args.safeParse(task.args ?? {});
  if (!args.success) {
    const detail = args.error.issues.map((issue) => `${['args', ...issue.path.map(String)].join('.')}: ${issue.message}`).join('; ');
    problems.push({ code: 'bad-args', message: `task ${task.id} (${task.op}): ${detail}`, taskIds: [task.id] });
  }
  const inputs = (task.deps ?? []).length;
  if (inputs < op.arity.min || inputs > op.arity.max) {
    problems.push({ code: 'bad-arity', message: `${task.op} takes ${describeArity(op.arity)}, task ${task.id} has ${inputs}`, taskIds: [task.id] });
  }
}

function describeArity({ min, max }: OpArity): string {
  if (min === max) return `exactly ${plural(min, 'input')}`;
  if (max === Number.POSITIVE_INFINITY) return `at least ${plural(min, 'input')}`;
  return `${min} to ${max} inputs`;
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;

/**
 * One cycle among the well-formed tasks (first occurrence of each id; unknown and self deps left
 * out). Each task's parents are resolved once, up front: the search asks for a task's parents once
 * per parent it visits, so resolving them per call made a 100,000-way fan-in quadratic.
 */
function cycleAmong(tasks: readonly (TaskSpec | undefined)[], firstIndex: ReadonlyMap<string, number>): string[] | undefined {
  const parents: (readonly number[])[] = tasks.map((task, i) => {
    if (task === undefined || firstIndex.get(task.id) !== i) return NO_PARENTS;
    const found: number[] = [];
    for (const ref of task.deps ?? []) {
      const p = firstIndex.get(parseDepRef(ref).taskId);
      if (p !== undefined && p !== i) found.push(p);
    }
    return found;
  });
  const cycle = findCycle(tasks.length, (i) => parents[i] ?? NO_PARENTS);
  return cycle?.map((i) => (tasks[i] as TaskSpec).id);
}

const NO_PARENTS: readonly number[] = [];

/** zod issues as `schema` problems, each naming its path (`tasks[3].deps: ...`) and task id. */
function schemaProblems(issues: readonly z.core.$ZodIssue[], prefix: readonly PropertyKey[], root: unknown): DagProblem[] {
  return issues.map((issue) => {
    const path = [...prefix, ...issue.path];
    const where = path.map((p, k) => (typeof p === 'number' ? `[${p}]` : k === 0 ? String(p) : `.${String(p)}`)).join('');
    const taskIds = path[0] === 'tasks' && typeof path[1] === 'number' ? taskIdAt(root, path[1]) : [];
    return { code: 'schema', message: `${where || '(top level)'}: ${issue.message}`, taskIds };
  });
}

function taskIdAt(root: unknown, index: number): string[] {
  const tasks = isRecord(root) ? root.tasks : undefined;
  const task = Array.isArray(tasks) ? (tasks[index] as unknown) : undefined;
  const id = isRecord(task) ? task.id : undefined;
  return typeof id === 'string' ? [id] : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
