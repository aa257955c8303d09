import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import type { DagSpec } from '../../model/dag-schema.js';
import { alignedForArrow } from '../../data/codec.js';
import { withConnection } from './engine.js';
import type { SourceSchemas } from './pushdown.js';
import { TableReadArgsSchema, type TableReadArgs } from './read-write-ops.js';
import { openSource, readSourceBytes, sourceSize } from './source-files.js';
import { arrowSourceShape, csvSourceShape, parquetSourceShape, type ColumnType } from './source-stats.js';
import { checkTableQueries, engineMessage } from './query-check.js';
import { loadArrowTable } from './arrow-to-duckdb.js';
import type { SourceShape } from './table-costs.js';
import { formatOfName, parseLocation, type SourceLocation } from './source-location.js';
import { quoteString } from './sql-text.js';
import { TableOpError } from './table-op-error.js';

/**
 * What can be known of a DAG's table sources before it runs: each `table.read` task's columns,
 * and the problems a run would hit (a missing or unreadable source, a column the source lacks, a
 * SQL query that does not parse, a transform naming a column its input lacks: ./query-check.ts). The CLI reports the problems as bad input (exit 2) before
 * starting anything, and pushdown uses the columns.
 */
export interface SourceInspection {
  readonly schemas: SourceSchemas;
  readonly problems: readonly string[];
  /** With `withShapes`: each source's rows and column sizes, by its location text (args.source). */
  readonly shapes: ReadonlyMap<string, SourceShape>;
}

export async function inspectTableSources(spec: DagSpec, options: { withShapes?: boolean } = {}): Promise<SourceInspection> {
  const schemas = new Map<string, readonly string[]>();
  const shapes = new Map<string, SourceShape>();
  const types = new Map<string, readonly ColumnType[]>();
  const reported = new Set<string>();
  const problems: string[] = [];
  for (const task of spec.tasks) {
    if (task.op === 'table.read') {
      const args = TableReadArgsSchema.safeParse(task.args ?? {});
      if (!args.success) continue; // validation names bad args
      try {
        const described = await describeSource(args.data, options.withShapes === true && !shapes.has(args.data.source));
        const columns = described.columns;
        schemas.set(task.id, columns);
        if (described.shape) shapes.set(args.data.source, described.shape);
        const read = args.data.columns;
        types.set(task.id, read ? read.flatMap((name) => described.types.filter((t) => t.name === name)) : described.types);
        const missing = [...(args.data.columns ?? []), ...args.data.filter.map((p) => p.column)].filter((c) => !columns.includes(c));
        if (missing.length > 0) problems.push(`task ${task.id} (table.read): ${args.data.source} has no column ${[...new Set(missing)].map((c) => `"${c}"`).join(', ')} (it has ${columns.join(', ')})`);
      } catch (error) {
        problems.push(`task ${task.id} (table.read): ${(error as Error).message}`);
      }
    } else if (task.op === 'table.write') {
      const problem = await sinkDirectoryProblem((task.args as { target?: unknown } | undefined)?.target);
      if (problem) problems.push(`task ${task.id} (table.write): ${problem}`);
    } else if (task.op === 'table.sql') {
      const query = (task.args as { query?: unknown } | undefined)?.query;
      if (typeof query === 'string') {
        const problem = await sqlSyntaxProblem(query);
        if (problem) {
          problems.push(`task ${task.id} (table.sql): ${problem}`);
          reported.add(task.id);
        }
      }
    }
  }
  // The transforms' queries bound over the sources' schemas: unknown columns, SQL that does not bind.
  problems.push(...(await checkTableQueries(spec, types, reported)));
  return { schemas, problems, shapes };
}

/**
 * A local sink whose directory is not there fails only when its task runs, after the writes of
 * other tasks (a user audit): it is bad input before the run instead. S3 sinks are left to the run.
 */
async function sinkDirectoryProblem(target: unknown): Promise<string | undefined> {
  if (typeof target !== 'string') return undefined; // validation names bad args
  const location = parseLocation(target);
  if (typeof location === 'string' || location.kind !== 'file') return undefined;
  const directory = dirname(location.path);
  const stats = await stat(directory).catch(() => undefined);
  if (!stats) return `${target}: no such directory ${directory}`;
  return stats.isDirectory() ? undefined : `${target}: ${directory} is not a directory`;
}

/**
 * The column names of a source, read from its header (Parquet footer, CSV header, Arrow schema),
 * and with `withShape` its rows and column sizes (./source-stats.ts).
 */
async function describeSource(args: TableReadArgs, withShape: boolean): Promise<{ columns: string[]; types: ColumnType[]; shape?: SourceShape }> {
  const location = parseLocation(args.source) as SourceLocation;
  const format = args.format ?? formatOfName(args.source);
  if (format === 'arrow') {
    const table = tableFromIPC(alignedForArrow(await readSourceBytes(location)));
    const types = await withConnection(async (connection) => {
      await loadArrowTable(connection, 'source', table.slice(0, 0));
      const reader = await connection.runAndReadAll('DESCRIBE SELECT * FROM "source"');
      return reader.getRowsJS().map((row) => ({ name: String(row[0]), type: String(row[1]) }));
    });
    return { columns: table.schema.fields.map((f) => f.name), types, ...(withShape ? { shape: arrowSourceShape(table) } : {}) };
  }
  // The engine reads an empty CSV as one VARCHAR column named column0: no header, nothing to read.
  if (format === 'csv' && (await sourceSize(location)) === 0) throw new TableOpError(`${args.source} is an empty csv file: a csv source needs a header row`);
  const source = await openSource(location, format === 'parquet' ? { footerOnly: true } : undefined);
  try {
    return await withConnection(async (connection) => {
      const scan = format === 'parquet' ? `read_parquet(${quoteString(source.path)})` : `read_csv(${quoteString(source.path)}, header = true)`;
      try {
        const reader = await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${scan}`);
        const types = reader.getRowsJS().map((row) => ({ name: String(row[0]), type: String(row[1]) }));
        const columns = types.map((t) => t.name);
        if (!withShape) return { columns, types };
        const shape = format === 'parquet' ? await parquetSourceShape(connection, source.path, types) : await csvSourceShape(connection, scan, await sourceSize(location), types);
        return { columns, types, shape };
      } catch (error) {
        // The engine's first paragraph says what is wrong; the rest lists its reader's settings.
        const message = engineMessage({ message: String((error as Error).message).split(/\n\s*\n/)[0] });
        throw new TableOpError(`${args.source} is not a readable ${format} file: ${message}`, { cause: error });
      }
    });
  } finally {
    await source.release();
  }
}

/** The parser's message when `query` is not valid SQL (tables are not resolved here). */
async function sqlSyntaxProblem(query: string): Promise<string | undefined> {
  return withConnection(async (connection) => {
    try {
      const statements = await connection.extractStatements(query);
      return statements.count === 1 ? undefined : `args.query must hold one statement, it holds ${statements.count}`;
    } catch (error) {
      return `SQL does not parse: ${engineMessage(error)}`;
    }
  });
}
