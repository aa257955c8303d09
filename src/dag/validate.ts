import { WukongError } from '../errors.js';
import { MAX_TASKS_PER_DAG } from '../limits.js';
import type { OpCatalog } from './op-catalog.js';
import { DagSpecSchema, parseDepRef, type DagSpec } from './schema.js';

export type DagProblemCode =
  | 'not-json'
  | 'schema'
  | 'empty'
  | 'duplicate-id'
  | 'unknown-dep'
  | 'self-dep'
  | 'bad-output-ref'
  | 'cycle'
  | 'unknown-op'
  | 'bad-args'
  | 'bad-arity'
  | 'unknown-output'
  | 'too-many-tasks';

/** One thing wrong with a DAG, naming the tasks involved. */
export interface DagProblem {
  readonly code: DagProblemCode;
  readonly message: string;
  readonly taskIds: readonly string[];
}

export type ValidationResult = { readonly ok: true; readonly spec: DagSpec } | { readonly ok: false; readonly problems: readonly DagProblem[] };

/** A DAG that failed validation; the CLI prints every problem and exits 2. */
export class DagValidationError extends WukongError {
  constructor(readonly problems: readonly DagProblem[]) {
    super('DAG_INVALID', `invalid DAG: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n${problems.map(formatProblem).join('\n')}`);
  }
}

export function formatProblem(problem: DagProblem): string {
  const where = problem.taskIds.length > 0 ? `[${problem.taskIds.slice(0, 5).join(', ')}${problem.taskIds.length > 5 ? ', ...' : ''}] ` : '';
  return `${where}${problem.code}: ${problem.message}`;
}

/** Parses DAG JSON text; a syntax error becomes a `not-json` problem with its position. */
export function parseDagText(text: string): { ok: true; value: unknown } | { ok: false; problems: DagProblem[] } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problems: [{ code: 'not-json', message: `not valid JSON: ${(error as Error).message}`, taskIds: [] }] };
  }
}

/**
 * Validates DAG JSON against the schema and the op catalog, reporting every problem found (not
 * only the first): ids, deps, outputs, ops, args, arity, and one printed cycle. O(V + E).
 */
export function validateDag(input: unknown, catalog: OpCatalog): ValidationResult {
  const parsed = DagSpecSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 50).map((issue): DagProblem => {
      const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
      const taskIndex = issue.path[0] === 'tasks' && typeof issue.path[1] === 'number' ? issue.path[1] : undefined;
      const taskId = taskIndex === undefined ? undefined : (input as { tasks?: { id?: unknown }[] }).tasks?.[taskIndex]?.id;
      return { code: 'schema', message: `${path || '(root)'}: ${issue.message}`, taskIds: typeof taskId === 'string' ? [taskId] : [] };
    });
    return { ok: false, problems };
  }
  const spec = parsed.data;
  const problems: DagProblem[] = [];
  if (spec.tasks.length === 0) problems.push({ code: 'empty', message: 'the DAG has no tasks', taskIds: [] });
  if (spec.tasks.length > MAX_TASKS_PER_DAG) {
    return { ok: false, problems: [{ code: 'too-many-tasks', message: `the DAG has ${spec.tasks.length} tasks; the limit is ${MAX_TASKS_PER_DAG}`, taskIds: [] }] };
  }

  const byId = new Map<string, DagSpec['tasks'][number]>();
  for (const task of spec.tasks) {
    if (byId.has(task.id)) problems.push({ code: 'duplicate-id', message: `task id "${task.id}" is used more than once`, taskIds: [task.id] });
    else byId.set(task.id, task);
  }

  const checkRef = (ref: string, owner: string | undefined): void => {
    const { taskId, output } = parseDepRef(ref);
    const producer = byId.get(taskId);
    const who = owner === undefined ? [taskId] : [owner, taskId];
    if (!producer) {
      if (owner === undefined) problems.push({ code: 'unknown-output', message: `outputs names "${ref}", which is no task`, taskIds: [taskId] });
      else problems.push({ code: 'unknown-dep', message: `task ${owner} depends on "${ref}", which is no task`, taskIds: who });
      return;
    }
    const outputs = catalog.lookup(producer.op)?.outputs;
    if (outputs === undefined) return; // reported as unknown-op
    if (!Number.isInteger(output) || output >= outputs) {
      problems.push({ code: 'bad-output-ref', message: `"${ref}": ${taskId} (${producer.op}) has ${outputs} output${outputs === 1 ? '' : 's'}`, taskIds: who });
    } else if (outputs > 1 && !ref.includes('#')) {
      const choices = Array.from({ length: outputs }, (_, i) => `${taskId}#${i}`).join(', ');
      problems.push({ code: 'bad-output-ref', message: `"${ref}": ${producer.op} has ${outputs} outputs; use one of ${choices}`, taskIds: who });
    }
  };

  for (const task of spec.tasks) {
    for (const ref of task.deps ?? []) {
      if (parseDepRef(ref).taskId === task.id) problems.push({ code: 'self-dep', message: `task ${task.id} depends on itself`, taskIds: [task.id] });
      else checkRef(ref, task.id);
    }
    const op = catalog.lookup(task.op);
    if (!op) {
      const hint = closest(task.op, catalog.names());
      problems.push({ code: 'unknown-op', message: `task ${task.id}: unknown op "${task.op}"${hint ? `; did you mean "${hint}"?` : ''}`, taskIds: [task.id] });
      continue;
    }
    const args = op.args.safeParse(task.args ?? {});
    if (!args.success) {
      const detail = args.error.issues.map((i) => `${i.path.join('.') || 'args'}: ${i.message}`).join('; ');
      problems.push({ code: 'bad-args', message: `task ${task.id} (${task.op}): ${detail}`, taskIds: [task.id] });
    }
    const inputs = (task.deps ?? []).length;
    if (inputs < op.arity.min || inputs > op.arity.max) {
      const wanted = op.arity.min === op.arity.max ? `exactly ${op.arity.min}` : op.arity.max === Number.POSITIVE_INFINITY ? `at least ${op.arity.min}` : `${op.arity.min} to ${op.arity.max}`;
      problems.push({ code: 'bad-arity', message: `${task.op} takes ${wanted} input${op.arity.max === 1 ? '' : 's'}, task ${task.id} has ${inputs}`, taskIds: [task.id] });
    }
  }
  for (const ref of spec.outputs ?? []) checkRef(ref, undefined);

  const cycle = findCycle(spec, byId);
  if (cycle) problems.push({ code: 'cycle', message: cycle.join(' -> '), taskIds: cycle.slice(0, -1) });

  return problems.length > 0 ? { ok: false, problems } : { ok: true, spec };
}

/** One cycle as `a, b, c, a`, or undefined; iterative DFS (deep chains would overflow the stack). */
function findCycle(spec: DagSpec, byId: Map<string, DagSpec['tasks'][number]>): string[] | undefined {
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = finished
  const depsOf = (id: string) => (byId.get(id)?.deps ?? []).map((r) => parseDepRef(r).taskId).filter((d) => byId.has(d) && d !== id);
  for (const root of byId.keys()) {
    if (state.has(root)) continue;
    const stack: { id: string; next: number; deps: string[] }[] = [{ id: root, next: 0, deps: depsOf(root) }];
    state.set(root, 1);
    while (stack.length > 0) {
      const frame = stack[stack.length - 1] as (typeof stack)[number];
      if (frame.next >= frame.deps.length) {
        state.set(frame.id, 2);
        stack.pop();
        continue;
      }
      const dep = frame.deps[frame.next++] as string;
      const seen = state.get(dep);
      if (seen === 1) {
        // The stack from `dep` to here: each task depends on the next, and this one on `dep`.
        // Print it in data-flow order (producer -> consumer), closing the loop.
        const path = stack.slice(stack.findIndex((f) => f.id === dep)).map((f) => f.id).reverse();
        return [...path, path[0] as string];
      }
      if (seen === undefined) {
        state.set(dep, 1);
        stack.push({ id: dep, next: 0, deps: depsOf(dep) });
      }
    }
  }
  return undefined;
}

function closest(name: string, names: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(3, Math.floor(name.length / 3)) + 1;
  for (const candidate of names) {
    const d = editDistance(name, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    let diagonal = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j += 1) {
      const above = row[j] as number;
      row[j] = Math.min(above + 1, (row[j - 1] as number) + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length] as number;
}
