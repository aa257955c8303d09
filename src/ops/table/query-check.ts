import type { DuckDBConnection } from '@duckdb/node-api';
import * as z from 'zod';
import type { DagSpec, TaskSpec } from '../../model/dag-schema.js';
import { withConnection } from './engine.js';
import { aggregateQuery, filterQuery, joinQuery, projectQuery, sqlInputNames } from './op-sql.js';
import type { ColumnType } from './source-stats.js';
import { quoteIdentifier } from './sql-text.js';
import { AggregateSchema, DerivedColumnSchema, FilterSchema, JoinKeySchema } from './table-args.js';

/**
 * The table transforms' queries bound before a run (issue 18: a SQL syntax error or an unknown
 * column is bad input, exit 2, where it can be known): the sources' schemas (column names and
 * engine types, from the files' headers) flow down the DAG, and each table.filter, .project,
 * .join, .aggregate and .sql task has its query described by the engine over empty tables of its
 * inputs' schemas, which binds every column name and parses the SQL without touching data. The
 * described result is that task's schema for its consumers. A task downstream of a non-table op
 * (or of one that failed) is not checked: its input schemas are unknown until it runs.
 */
export type TaskSchemas = ReadonlyMap<string, readonly ColumnType[]>;

const producerOf = (ref: string) => (ref.includes('#') ? ref.slice(0, ref.lastIndexOf('#')) : ref);

// Schemas of the args the checks read (the ops' own, minus what only a run uses); args that fail
// them are left to validation, which names them.
const FilterArgs = z.object({ where: FilterSchema });
const ProjectArgs = z.object({ columns: z.array(z.string()), derive: z.array(DerivedColumnSchema).default([]) });
const JoinArgs = z.object({ on: z.array(JoinKeySchema).min(1), how: z.enum(['inner', 'left']).default('inner') });
const AggregateArgs = z.object({ groupBy: z.array(z.string()), aggregates: z.array(AggregateSchema) });
const SqlArgs = z.object({ query: z.string(), inputs: z.array(z.string()).optional() });

/** One problem per table task whose query the engine refuses, naming the task, the op and the engine's message. */
export async function checkTableQueries(spec: DagSpec, sources: TaskSchemas, reported: ReadonlySet<string> = new Set()): Promise<string[]> {
  const schemas = new Map(sources);
  const position = new Map(spec.tasks.map((t, i) => [t.id, i]));
  const found: { at: number; problem: string }[] = [];
  const report = (task: TaskSpec, message: string) => found.push({ at: position.get(task.id)!, problem: `task ${task.id} (${task.op}): ${message}` });
  for (const task of topologicalOrder(spec)) {
    if (!task.op.startsWith('table.') || task.op === 'table.read' || reported.has(task.id)) continue;
    const inputs = (task.deps ?? []).map((ref) => schemas.get(producerOf(ref)));
    if (inputs.some((schema) => schema === undefined)) continue;
    const known = inputs as (readonly ColumnType[])[];
    if (task.op === 'table.concat' || task.op === 'table.write') {
      if (known[0]) schemas.set(task.id, known[0]);
      continue;
    }
    const query = queryOf(task, known);
    if (query === undefined) continue;
    if (typeof query === 'object') {
      report(task, query.problem);
      continue;
    }
    const described = await describeQuery(query, tableNamesOf(task, known.length), known);
    if (described === undefined) continue;
    if ('problem' in described) report(task, described.problem);
    else {
      schemas.set(task.id, described.columns);
      if (task.op === 'table.project') for (const problem of await derivedBeyondUses(task, known[0]!)) report(task, problem);
    }
  }
  // In the order the DAG lists its tasks, as the other checks report theirs.
  return found.sort((a, b) => a.at - b.at).map((f) => f.problem);
}

/**
 * Pushdown reads, for a derived column, only the columns its `uses` names: an expression that reads
 * another would bind here over the whole input and fail only in the run. So each derived column is
 * bound once more over just its `uses` columns.
 */
async function derivedBeyondUses(task: TaskSpec, input: readonly ColumnType[]): Promise<string[]> {
  const parsed = ProjectArgs.safeParse(task.args ?? {});
  if (!parsed.success) return [];
  const problems: string[] = [];
  for (const derived of parsed.data.derive) {
    const uses = new Set(derived.uses);
    const described = await describeQuery(projectQuery('"input"', { columns: [], derive: [derived] }), ['input'], [input.filter((c) => uses.has(c.name))]);
    if (described !== undefined && 'problem' in described) {
      problems.push(`derived column "${derived.as}" reads more than its uses [${derived.uses.join(', ')}] (pushdown reads only those): ${described.problem}`);
    }
  }
  return problems;
}

/** The names a task's inputs are loaded under when it runs (./run-query.ts, ./transform-ops.ts). */
function tableNamesOf(task: TaskSpec, count: number): string[] {
  if (task.op === 'table.join') return ['left', 'right'];
  if (task.op === 'table.sql') return sqlInputNames(count, SqlArgs.safeParse(task.args ?? {}).data?.inputs);
  return ['input'];
}

/** The query the task's op would run, undefined when its args do not parse (validation says why). */
function queryOf(task: TaskSpec, inputs: readonly (readonly ColumnType[])[]): string | { problem: string } | undefined {
  const args = task.args ?? {};
  const from = '"input"';
  switch (task.op) {
    case 'table.filter': {
      const parsed = FilterArgs.safeParse(args);
      return parsed.success ? filterQuery(from, parsed.data) : undefined;
    }
    case 'table.project': {
      const parsed = ProjectArgs.safeParse(args);
      return parsed.success ? projectQuery(from, parsed.data) : undefined;
    }
    case 'table.join': {
      const parsed = JoinArgs.safeParse(args);
      return parsed.success && inputs.length === 2 ? joinQuery(parsed.data, inputs[1]!.map((c) => c.name)) : undefined;
    }
    case 'table.aggregate': {
      const parsed = AggregateArgs.safeParse(args);
      return parsed.success ? aggregateQuery(from, parsed.data) : undefined;
    }
    case 'table.sql': {
      const parsed = SqlArgs.safeParse(args);
      if (!parsed.success) return undefined;
      if (parsed.data.inputs && parsed.data.inputs.length !== inputs.length) return { problem: `args.inputs names ${parsed.data.inputs.length} tables but the task has ${inputs.length} inputs` };
      return parsed.data.query;
    }
    default:
      return undefined;
  }
}

/**
 * The query's result columns over empty tables of these schemas, or the engine's message;
 * undefined when an input's schema cannot be recreated (the task and its consumers are left to the run).
 */
async function describeQuery(query: string, names: readonly string[], inputs: readonly (readonly ColumnType[])[]): Promise<{ columns: ColumnType[] } | { problem: string } | undefined> {
  return withConnection(async (connection) => {
    try {
      for (const [i, columns] of inputs.entries()) await createEmpty(connection, names[i]!, columns);
    } catch {
      // A type the engine cannot write back as a column definition.
      return undefined;
    }
    try {
      const statements = await connection.extractStatements(query);
      if (statements.count !== 1) return { problem: `the query must hold one statement, it holds ${statements.count}` };
      const reader = await connection.runAndReadAll(`DESCRIBE ${query.trim().replace(/;\s*$/, '')}`);
      return { columns: reader.getRowsJS().map((row) => ({ name: String(row[0]), type: String(row[1]) })) };
    } catch (error) {
      return { problem: engineMessage(error) };
    }
    // The user's SQL is bound here, before any run: the sealed engine (./engine.ts).
  }, 'sealed');
}

async function createEmpty(connection: DuckDBConnection, name: string, columns: readonly ColumnType[]): Promise<void> {
  const definitions = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  await connection.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} (${definitions})`);
}

/** The engine's message on one line, without the caret lines that point into SQL the user did not write. */
export function engineMessage(error: unknown): string {
  const lines = String((error as Error).message ?? error).split('\n');
  return shortenLongRuns(lines.filter((line) => line.trim() !== '' && !/^LINE \d+:/.test(line) && !/^\s*\^\s*$/.test(line)).join(' '));
}

/** Longer than this, a run of non-space characters in an engine message is cut (see below). */
const LONGEST_RUN = 200;

/**
 * The engine echoes the offending line of a CSV, up to 10 KB of it (a line over its 2 MB limit, a
 * user audit): an error message should name the problem, not print the data. Keeps 80 characters.
 */
export function shortenLongRuns(message: string): string {
  return message.replace(new RegExp(`\\S{${LONGEST_RUN + 1},}`, 'g'), (run) => `${run.slice(0, 80)}... (${run.length - 80} more characters)`);
}

/** The tasks, producers first (Kahn's order: a DAG file may list them in any order). */
function topologicalOrder(spec: DagSpec): TaskSpec[] {
  const waiting = new Map(spec.tasks.map((t) => [t.id, new Set((t.deps ?? []).map(producerOf))]));
  const consumers = new Map<string, TaskSpec[]>();
  for (const task of spec.tasks) {
    for (const producer of waiting.get(task.id)!) {
      const list = consumers.get(producer);
      if (list) list.push(task);
      else consumers.set(producer, [task]);
    }
  }
  const ready = spec.tasks.filter((t) => waiting.get(t.id)!.size === 0);
  const order: TaskSpec[] = [];
  while (ready.length > 0) {
    const task = ready.pop()!;
    order.push(task);
    for (const consumer of consumers.get(task.id) ?? []) {
      const deps = waiting.get(consumer.id)!;
      deps.delete(task.id);
      if (deps.size === 0) ready.push(consumer);
    }
  }
  return order;
}
