import type { DagSpec } from '../../model/dag-schema.js';
import { BadInputError } from '../../model/errors.js';
import type { Dag } from '../../dag/dag.js';
import { DagValidationError, validateDag, type DagProblem } from '../../dag/validate.js';
import { runDagFromSpec, type CompiledRunDag } from '../../model/compiled-dag.js';
import { OpRegistry } from '../registry.js';

/*
 * A DAG's table sources as every entry point (the CLI's commands and the library API) checks and
 * prices them. The DuckDB-backed parts load only for DAGs with table ops.
 */

/** Whether a DAG has table ops at all (else the engine is never loaded). */
const usesTables = (spec: DagSpec) => spec.tasks.some((task) => task.op.startsWith('table.'));

/**
 * Checks a valid DAG's table sources before anything runs (a missing or unreadable source, a
 * column it lacks, SQL that does not parse: bad input, exit 2) and, with `pushdown`, narrows the
 * reads to what downstream tasks use (src/ops/table/pushdown.ts). DAGs without table ops pass
 * through untouched.
 */
export async function checkTableSources(spec: DagSpec, options: { pushdown: boolean }): Promise<CheckedTableDag> {
  const untouched = { spec, changes: [], pushedFilters: new Map<string, string>() };
  if (!usesTables(spec)) return untouched;
  const { inspectTableSources } = await import('./source-schema.js');
  const { pushdownTables } = await import('./pushdown.js');
  const { schemas, problems } = await inspectTableSources(spec);
  throwProblems(spec, problems);
  return options.pushdown ? pushdownTables(spec, schemas) : untouched;
}

/** A DAG as checkTableSources gives it back (./pushdown.ts PushdownResult). */
export interface CheckedTableDag {
  readonly spec: DagSpec;
  readonly changes: readonly string[];
  readonly pushedFilters: ReadonlyMap<string, string>;
}

/**
 * A run's failure as the user should read it: a table.read that failed while applying predicates
 * pushed down from a table.filter names that filter task, which the user wrote them in (a bad
 * cast in its `where` fails in the read, where the engine applies it).
 */
export function blamePushedFilter<F extends { readonly taskId: string; readonly message: string }>(failure: F | undefined, checked: Pick<CheckedTableDag, 'pushedFilters'>): F | undefined {
  const filterTask = failure && checked.pushedFilters.get(failure.taskId);
  if (!failure || filterTask === undefined) return failure;
  return { ...failure, message: `${failure.message}\n  (this read applies the predicates of task ${filterTask} (table.filter), pushed down into it: a failure there is likely theirs; --no-pushdown runs them in ${filterTask} itself)` };
}

/**
 * A valid DAG whose table sources a run would fail on: bad input (exit 2), its problems kept as
 * DagProblems so `--json` lists them as it lists a DAG's own.
 */
export class TableSourcesError extends BadInputError {
  readonly problems: readonly DagProblem[];

  constructor(spec: DagSpec, problems: readonly string[]) {
    super(`${spec.name ?? 'the DAG'}: ${problems.length === 1 ? problems[0] : `${problems.length} problems with table sources:\n  ${problems.join('\n  ')}`}`);
    this.problems = problems.map(tableSourceProblem);
  }
}

/** Every table-source problem begins `task ID (OP): ` (./source-schema.ts, ./query-check.ts); a task id has no space. */
function tableSourceProblem(message: string): DagProblem {
  const taskId = /^task (\S+) \(/.exec(message)?.[1];
  return { code: 'table-source', message, taskIds: taskId === undefined ? [] : [taskId] };
}

function throwProblems(spec: DagSpec, problems: readonly string[]): void {
  if (problems.length > 0) throw new TableSourcesError(spec, problems);
}

/** A valid DAG as the simulator and the planners price it. */
export interface PricedDag {
  readonly spec: DagSpec;
  readonly model: Dag;
  readonly dag: CompiledRunDag;
  /** The ops, table.read priced from its sources' rows and column sizes. */
  readonly registry: OpRegistry;
}

/**
 * What `simulate` and `plan` price: the DAG a real run would run, its table sources checked as a
 * run checks them and, with `pushdown`, narrowed as a run narrows them (checkTableSources), and
 * table.read given the shapes of the files it reads (footers, headers: src/ops/table/source-stats.ts)
 * so table tasks are priced from row counts and bytes. DAGs without table ops pass through.
 */
export async function pricedTableDag(valid: { spec: DagSpec; model: Dag; dag: CompiledRunDag }, registry: OpRegistry, options: { pushdown: boolean }): Promise<PricedDag> {
  if (!usesTables(valid.spec)) return { ...valid, registry };
  const { inspectTableSources } = await import('./source-schema.js');
  const { pushdownTables } = await import('./pushdown.js');
  const { tableReadWithSources } = await import('./read-write-ops.js');
  const { schemas, problems, shapes } = await inspectTableSources(valid.spec, { withShapes: true });
  throwProblems(valid.spec, problems);
  const read = tableReadWithSources(shapes);
  const priced = new OpRegistry(registry.names().map((name) => (name === read.name ? read : registry.get(name))));
  if (!options.pushdown) return { ...valid, registry: priced };
  const { spec } = pushdownTables(valid.spec, schemas);
  const result = validateDag(spec, priced);
  // Pushdown only narrows args a valid DAG already had: a failure here is a pushdown bug.
  if (!result.ok) throw new DagValidationError(result.problems, spec.name ?? 'the pushed-down DAG');
  return { spec: result.spec, model: result.dag, dag: runDagFromSpec(result.spec), registry: priced };
}
