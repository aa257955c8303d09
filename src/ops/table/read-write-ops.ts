import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC, tableToIPC, type Table } from 'apache-arrow';
import * as z from 'zod';
import { alignedForArrow } from '../../data/codec.js';
import { defineOp } from '../define-op.js';
import { exactly } from '../op-definition.js';
import { loadArrowTable } from './arrow-to-duckdb.js';
import { resultToArrow } from './duckdb-to-arrow.js';
import { withConnection } from './engine.js';
import { chunksToRead, parquetBytesRead, parquetChunks } from './parquet-bytes.js';
import { queryTable, tableInput, tableValue } from './run-query.js';
import { openSource, readSourceBytes, sourceIdentity, sourceSize, writeSink } from './source-files.js';
import { formatOfName, locationProblem, parseLocation, TableFormatSchema, type SourceLocation, type TableFormat } from './source-location.js';
import { columnList, quoteString } from './sql-text.js';
import { FilterSchema, whereSql, type Predicate } from './table-args.js';
import { TableOpError } from './table-op-error.js';
import { shortenLongRuns } from './query-check.js';
import { readCost, readShape, writeCost, writeShape, type SourceShape } from './table-costs.js';

const LocationText = z.string().min(1);

export const TableReadArgsSchema = z
  .object({
    source: LocationText.describe('a local path or s3://bucket/key'),
    format: TableFormatSchema.optional(),
    columns: z.array(z.string().min(1)).min(1).optional().describe('the columns to read (all when absent)'),
    filter: FilterSchema.default([]).describe('rows to keep: every predicate holds'),
  })
  .strict()
  .superRefine((args, ctx) => {
    const problem = locationProblem(args.source, args.format);
    if (problem) ctx.addIssue({ code: 'custom', path: ['source'], message: problem });
  });
export type TableReadArgs = z.output<typeof TableReadArgsSchema>;

const location = (text: string) => parseLocation(text) as SourceLocation;
const formatOf = (text: string, format: TableFormat | undefined) => format ?? (formatOfName(text) as TableFormat);

export const tableRead = defineOp({
  name: 'table.read',
  description: 'a Parquet, CSV or Arrow IPC file (local or s3://) as a table, with optional columns and row filter',
  args: TableReadArgsSchema,
  arity: exactly(0),
  outputs: 1,
  dataIdentity: (args) => sourceIdentity(location(args.source)),
  // The source's rows and column sizes are not in the args: tableReadWithSources supplies them.
  shape: (_inputs, args) => readShape(undefined, args),
  run: async (_inputs, args) => {
    const where = location(args.source);
    const format = formatOf(args.source, args.format);
    if (format === 'arrow') {
      const bytes = await readSourceBytes(where);
      const table = tableFromIPC(alignedForArrow(bytes));
      const selected = args.columns || args.filter.length > 0 ? await queryTable(table, (from) => `SELECT ${args.columns ? columnList(args.columns) : '*'} FROM ${from}${whereSql(args.filter)}`) : table;
      return [tableValue(selected, bytes.byteLength)];
    }
    const filter = args.filter as Predicate[];
    const chunks = async (footerFile: string) => withConnection(async (connection) => chunksToRead(await parquetChunks(connection, footerFile), args.columns, filter));
    const source = await openSource(where, format === 'parquet' ? { chunks } : undefined);
    try {
      return await withConnection(async (connection) => {
        const scan = format === 'parquet' ? `read_parquet(${quoteString(source.path)})` : `read_csv(${quoteString(source.path)}, header = true)`;
        const select = `SELECT ${args.columns ? columnList(args.columns) : '*'} FROM ${scan}${whereSql(args.filter)}`;
        const table = await engineCall(args.source, async () => resultToArrow(await connection.run(select)));
        const bytes = where.kind === 's3' ? source.fetchedBytes : format === 'parquet' ? await parquetBytesRead(connection, source.path, args.columns, filter) : await sourceSize(where);
        return [tableValue(table, bytes)];
      });
    } finally {
      await source.release();
    }
  },
});

/**
 * table.read as a planner sees it once the sources were inspected (src/ops/table/source-stats.ts):
 * its output shape and cost from the source's rows and column sizes, by `args.source`.
 */
export function tableReadWithSources(sources: ReadonlyMap<string, SourceShape>): typeof tableRead {
  return { ...tableRead, shape: (_inputs, args) => readShape(sources.get(args.source), args), cost: (_inputs, args) => readCost(sources.get(args.source), args) };
}

export const tableWrite = defineOp({
  name: 'table.write',
  description: 'writes its input table to a Parquet, CSV or Arrow IPC file (local or s3://) and returns it unchanged',
  args: z
    .object({ target: LocationText.describe('a local path or s3://bucket/key'), format: TableFormatSchema.optional() })
    .strict()
    .superRefine((args, ctx) => {
      const problem = locationProblem(args.target, args.format);
      if (problem) ctx.addIssue({ code: 'custom', path: ['target'], message: problem });
    }),
  arity: exactly(1),
  outputs: 1,
  shape: writeShape,
  cost: writeCost,
  // A cached result would skip writing the file: the write is the point.
  deterministic: false,
  run: async (inputs, args) => {
    const table = tableInput('table.write', inputs, 0);
    await writeSink(location(args.target), await encodeTable(table, formatOf(args.target, args.format)));
    return [tableValue(table)];
  },
});

/** A table as the bytes of a file of `format` (Parquet and CSV written by the engine). */
export async function encodeTable(table: Table, format: TableFormat): Promise<Uint8Array> {
  if (format === 'arrow') return tableToIPC(table, 'file');
  const directory = await mkdtemp(join(tmpdir(), 'wukong-sink-'));
  try {
    const path = join(directory, `table.${format}`);
    await withConnection(async (connection) => {
      await loadArrowTable(connection, 'output', table);
      await connection.run(`COPY "output" TO ${quoteString(path)} (FORMAT ${format === 'parquet' ? 'parquet' : 'csv'}${format === 'csv' ? ', HEADER true' : ''})`);
    });
    return await readFile(path);
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function engineCall<T>(source: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof TableOpError) throw error;
    throw new TableOpError(`${source}: ${shortenLongRuns((error as Error).message)}`, { cause: error });
  }
}
