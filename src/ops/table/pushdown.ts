import type { DagSpec, TaskSpec } from '../../model/dag-schema.js';
import { leftKey, rightKey, type JoinKey, type Predicate } from './table-args.js';

/**
 * Projection and filter pushdown across a DAG of table ops, before a run: each task learns the
 * columns its consumers need, from the DAG's outputs back to the sources, and
 * - `table.read` reads only the columns needed downstream (args.columns), and takes the
 *   predicates of a `table.filter` that is its only consumer (args.filter: the engine then skips
 *   row groups by their statistics and returns fewer rows);
 * - `table.project` keeps only the columns and derived columns needed downstream.
 * So intermediates carry only what later tasks use. Everything else is left as written: a DAG
 * output, `table.sql` (its SQL is not parsed: it needs every column) and non-table ops need all.
 *
 * Pure: the source schemas (column names of each table.read task, as read without pushdown)
 * come in from the caller (./source-schema.ts reads them from the files).
 */
export type SourceSchemas = ReadonlyMap<string, readonly string[]>;

/** What a task's consumers need of its output: some columns, or all of them. */
type Need = ReadonlySet<string> | 'all';

interface TaskArgs {
  columns?: string[];
  filter?: Predicate[];
  where?: Predicate[];
  derive?: { as: string; sql: string; uses: string[] }[];
  groupBy?: string[];
  aggregates?: { column?: string }[];
  on?: JoinKey[];
}

const producerOf = (ref: string) => (ref.includes('#') ? ref.slice(0, ref.lastIndexOf('#')) : ref);

export interface PushdownResult {
  readonly spec: DagSpec;
  /** One line per task whose args changed, for `--verbose` output and tests. */
  readonly changes: readonly string[];
  /**
   * table.read task -> the table.filter task whose predicates it now applies: a failure of that
   * read (a bad cast in a predicate) is then the filter's, and the run's message says so.
   */
  readonly pushedFilters: ReadonlyMap<string, string>;
}

export function pushdownTables(spec: DagSpec, schemas: SourceSchemas): PushdownResult {
  const tasks = new Map(spec.tasks.map((task) => [task.id, task]));
  const consumers = new Map<string, { task: TaskSpec; index: number }[]>();
  for (const task of spec.tasks) (task.deps ?? []).forEach((ref, index) => consumers.get(producerOf(ref))?.push({ task, index }) ?? consumers.set(producerOf(ref), [{ task, index }]));
  // Without declared outputs, the tasks nothing consumes are the outputs.
  const outputs = new Set(spec.outputs ? spec.outputs.map(producerOf) : spec.tasks.filter((t) => !consumers.has(t.id)).map((t) => t.id));
  const columnsOf = forwardColumns(spec, schemas);

  const needOf = new Map<string, Need>();
  const inputNeeds = new Map<string, Need[]>();
  // Tasks are in a topological order (validated DAGs): walk it backwards, consumers first.
  for (const task of [...spec.tasks].reverse()) {
    const uses = consumers.get(task.id) ?? [];
    let need: Need = outputs.has(task.id) ? 'all' : new Set<string>();
    for (const { task: consumer, index } of uses) need = union(need, inputNeeds.get(consumer.id)?.[index] ?? 'all');
    needOf.set(task.id, need);
    inputNeeds.set(task.id, needsOfInputs(task, need, (i) => columnsOf.get(producerOf(task.deps![i]!))));
  }

  const changes: string[] = [];
  const pushedFilters = new Map<string, string>();
  const rewritten = spec.tasks.map((task) => {
    const uses = outputs.has(task.id) ? [] : (consumers.get(task.id) ?? []);
    const next = rewrite(task, needOf.get(task.id)!, schemas.get(task.id), uses, tasks);
    if (next !== task) changes.push(`${task.id}: ${JSON.stringify(next.args)}`);
    if (args(next).filter?.length !== args(task).filter?.length) pushedFilters.set(task.id, uses[0]!.task.id);
    return next;
  });
  return { spec: { ...spec, tasks: rewritten }, changes, pushedFilters };
}

function union(a: Need, b: Need): Need {
  if (a === 'all' || b === 'all') return 'all';
  return new Set([...a, ...b]);
}

const args = (task: TaskSpec) => (task.args ?? {}) as TaskArgs;

/** What each input of `task` must carry for the task to produce `need` of its output. */
function needsOfInputs(task: TaskSpec, need: Need, inputColumns: (index: number) => readonly string[] | undefined): Need[] {
  const a = args(task);
  const inputs = task.deps?.length ?? 0;
  const each = (n: Need) => Array.from({ length: inputs }, () => n);
  switch (task.op) {
    case 'table.filter':
      return [need === 'all' ? 'all' : new Set([...need, ...(a.where ?? []).map((p) => p.column)])];
    case 'table.project': {
      const derive = (a.derive ?? []).filter((d) => need === 'all' || need.has(d.as));
      const columns = (a.columns ?? []).filter((c) => need === 'all' || need.has(c));
      return [new Set([...columns, ...derive.flatMap((d) => d.uses)])];
    }
    case 'table.aggregate':
      return [new Set([...(a.groupBy ?? []), ...(a.aggregates ?? []).flatMap((agg) => (agg.column === undefined ? [] : [agg.column]))])];
    case 'table.concat':
    case 'table.write':
      return each(need);
    case 'table.join': {
      if (need === 'all') return ['all', 'all'];
      const keys = a.on ?? [];
      const side = (index: number, key: (k: JoinKey) => string): Need => {
        const columns = inputColumns(index);
        return columns ? new Set([...columns.filter((c) => need.has(c)), ...keys.map(key)]) : 'all';
      };
      return [side(0, leftKey), side(1, rightKey)];
    }
    default:
      return each('all');
  }
}

/** The column names of each task's output as written (no pushdown), where they can be told. */
function forwardColumns(spec: DagSpec, schemas: SourceSchemas): Map<string, readonly string[]> {
  const known = new Map<string, readonly string[]>();
  for (const task of spec.tasks) {
    const a = args(task);
    const input = (i: number) => known.get(producerOf(task.deps?.[i] ?? ''));
    let columns: readonly string[] | undefined;
    switch (task.op) {
      case 'table.read':
        columns = a.columns ?? schemas.get(task.id);
        break;
      case 'table.filter':
      case 'table.concat':
      case 'table.write':
        columns = input(0);
        break;
      case 'table.project':
        columns = [...(a.columns ?? []), ...(a.derive ?? []).map((d) => d.as)];
        break;
      case 'table.aggregate':
        columns = [...(a.groupBy ?? []), ...(a.aggregates as { as: string }[] | undefined ?? []).map((agg) => agg.as)];
        break;
      case 'table.join': {
        const left = input(0);
        const right = input(1);
        const rightKeys = new Set((a.on ?? []).map(rightKey));
        columns = left && right ? [...left, ...right.filter((c) => !rightKeys.has(c))] : undefined;
        break;
      }
      default:
        columns = undefined;
    }
    if (columns) known.set(task.id, columns);
  }
  return known;
}

/** `uses`: the task's consumers, none for a DAG output (whose rows must stay as written). */
function rewrite(task: TaskSpec, need: Need, schema: readonly string[] | undefined, uses: readonly { task: TaskSpec }[], tasks: ReadonlyMap<string, TaskSpec>): TaskSpec {
  const a = args(task);
  if (task.op === 'table.read') {
    let next: TaskArgs = { ...a };
    const readable = a.columns ?? schema;
    if (need !== 'all' && readable) {
      const kept = readable.filter((c) => need.has(c));
      // A consumer that needs no column still needs the row count: keep the first column.
      const columns = kept.length > 0 ? kept : readable.slice(0, 1);
      if (columns.length < readable.length) next = { ...next, columns };
    }
    const only = uses.length === 1 ? tasks.get(uses[0]!.task.id) : undefined;
    if (only?.op === 'table.filter' && (only.deps ?? []).length === 1) {
      const extra = (args(only).where ?? []).filter((p) => !(a.filter ?? []).some((q) => JSON.stringify(q) === JSON.stringify(p)));
      if (extra.length > 0) next = { ...next, filter: [...(a.filter ?? []), ...extra] };
    }
    return next.columns === a.columns && next.filter === a.filter ? task : { ...task, args: next as Record<string, unknown> };
  }
  if (task.op === 'table.project' && need !== 'all') {
    const columns = (a.columns ?? []).filter((c) => need.has(c));
    const derive = (a.derive ?? []).filter((d) => need.has(d.as));
    if (columns.length + derive.length === 0 || (columns.length === (a.columns ?? []).length && derive.length === (a.derive ?? []).length)) return task;
    return { ...task, args: { ...a, columns, derive } as Record<string, unknown> };
  }
  return task;
}
