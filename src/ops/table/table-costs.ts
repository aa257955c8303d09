import type { OpCost } from '../op-definition.js';
import { byteSizeOfShape, tableShapeAt, tableShapeOf, type TableColumnShape, type TableShape, type ValueShape } from '../value-shape.js';
import { rightKey, type Aggregate, type JoinKey, type Predicate } from './table-args.js';

/**
 * Shape and cost declarations of the table ops (OpDefinition.shape and .cost), from row counts and
 * bytes per column, so the simulator and the planners price a table task as they price a matrix
 * one. Every table op runs in the embedded engine (DuckDB): its work is taken as proportional to
 * the bytes it reads plus the bytes it writes, priced by the profile's `table` kernel rate (GB/s,
 * measured by `wukong calibrate`: src/cost/calibrate.ts).
 *
 * Output rows are estimates where the data decides them:
 * - a filter keeps the product of its predicates' selectivities, System R's defaults (Selinger
 *   et al., SIGMOD 1979): `=` 1/distinct values when the source tells them, else 1/10; `in` that
 *   times the list's length; ranges the covered share of the column's [min, max] when the
 *   source's statistics give it, else 1/3; `is null` the counted null fraction, else 1/10;
 *   negations the complement;
 * - a join of a key that is unique on the right (a dimension table) keeps every left row: rows =
 *   left rows x right rows per distinct right key;
 * - an aggregate has one row per group: the product of its keys' distinct counts where the source
 *   tells them or a derived date part fixes them (`hour(ts)`: 24), DEFAULT_DISTINCT_VALUES for any
 *   other key, at most its input rows;
 * - a SQL query is not parsed: its output is taken as its largest input, cut to its LIMIT if it
 *   ends in one.
 * A task's `hints.rows` overrides any of these (src/metadata/dag-descriptors.ts).
 */
export const TABLE_KERNEL = 'table';

/** Distinct values assumed for a group key the source does not describe. */
export const DEFAULT_DISTINCT_VALUES = 100;

/** Bytes per row assumed for a derived column (SQL expression): one 8-byte value. */
export const DERIVED_COLUMN_BYTES = 8;

const EQUALS_SELECTIVITY = 0.1;
const RANGE_SELECTIVITY = 1 / 3;
const NULL_SELECTIVITY = 0.1;

/**
 * The fraction of rows a predicate keeps, as System R estimates it; with the source's statistics,
 * a range over a numeric column's [min, max] as the share of that interval it covers (values taken
 * as uniform) and nulls as counted.
 */
export function predicateSelectivity(predicate: Predicate, column: TableColumnShape | undefined): number {
  const equals = column?.distinct !== undefined && column.distinct > 0 ? 1 / column.distinct : EQUALS_SELECTIVITY;
  const nulls = column?.nullFraction ?? NULL_SELECTIVITY;
  switch (predicate.op) {
    case '=':
      return equals;
    case '!=':
      return 1 - equals;
    case 'in':
      return Math.min(1, equals * (Array.isArray(predicate.value) ? predicate.value.length : 1));
    case 'is null':
      return nulls;
    case 'is not null':
      return 1 - nulls;
    default:
      return rangeSelectivity(predicate.op, predicate.value, column) ?? RANGE_SELECTIVITY;
  }
}

/** The share of [min, max] a comparison keeps, when the column's range and the value are numbers. */
function rangeSelectivity(op: Predicate['op'], value: unknown, column: TableColumnShape | undefined): number | undefined {
  if (typeof value !== 'number' || column?.min === undefined || column.max === undefined) return undefined;
  const { min, max } = column;
  if (!(max > min)) return (op === '<' || op === '<=' ? value >= min : value <= max) ? 1 : 0;
  const below = Math.min(1, Math.max(0, (value - min) / (max - min)));
  const kept = op === '<' || op === '<=' ? below : 1 - below;
  // Nulls fail every comparison.
  return kept * (1 - (column.nullFraction ?? 0));
}

const predicateKey = (p: Predicate) => JSON.stringify([p.op, p.value ?? null]);

/** The fraction of rows every predicate of `filter` keeps (taken as independent; one already applied keeps all). */
export function filterSelectivity(filter: readonly Predicate[], shape: TableShape): number {
  return filter.reduce((product, p) => {
    const column = shape.columns.find((c) => c.name === p.column);
    return column?.applied?.includes(predicateKey(p)) ? product : product * predicateSelectivity(p, column);
  }, 1);
}

/** The columns after `filter`: its predicates marked applied, a null test's nulls counted. */
function afterFilter(columns: readonly TableColumnShape[], filter: readonly Predicate[]): TableColumnShape[] {
  return columns.map((column) => {
    const own = filter.filter((p) => p.column === column.name);
    if (own.length === 0) return column;
    const notNull = own.some((p) => p.op !== 'is null');
    return { ...column, applied: [...new Set([...(column.applied ?? []), ...own.map(predicateKey)])], ...(notNull && column.nullFraction !== undefined ? { nullFraction: 0 } : {}) };
  });
}

/** A table of `rows` rows with these columns (distinct counts never above the rows). */
function withRows(columns: readonly TableColumnShape[], rows: number): TableShape {
  return tableShapeOf(rows, columns.map((c) => (c.distinct !== undefined && c.distinct > rows ? { ...c, distinct: Math.max(1, rows) } : c)));
}

const bytesOfColumns = (shape: TableShape, names: ReadonlySet<string>) => Math.round(shape.rows * shape.columns.filter((c) => names.has(c.name)).reduce((sum, c) => sum + c.bytesPerRow, 0));

/** Engine work: every byte read and every byte written, at the `table` kernel's rate. */
function tableCost(bytesRead: number, output: ValueShape): OpCost {
  return { kernel: TABLE_KERNEL, bytesRead, bytesWritten: byteSizeOfShape(output) };
}

export function filteredShape(input: TableShape, where: readonly Predicate[]): TableShape {
  return withRows(afterFilter(input.columns, where), input.rows * filterSelectivity(where, input));
}

export function filterShape(inputs: readonly ValueShape[], args: { where: readonly Predicate[] }): ValueShape[] | undefined {
  const input = tableShapeAt(inputs, 0);
  return input ? [filteredShape(input, args.where)] : undefined;
}

export function filterCost(inputs: readonly ValueShape[], args: { where: readonly Predicate[] }): OpCost | undefined {
  const input = tableShapeAt(inputs, 0);
  return input ? tableCost(byteSizeOfShape(input), filteredShape(input, args.where)) : undefined;
}

/** Values a date part takes (DuckDB's functions of one column: `hour(pickup_ts)`), so a derived key's groups are known. */
const DATE_PART_VALUES: Readonly<Record<string, number>> = { hour: 24, minute: 60, second: 60, month: 12, quarter: 4, dayofweek: 7, isodow: 7, dayofmonth: 31, day: 31 };

function datePartValues(sql: string): number | undefined {
  const match = /^\s*([a-z]+)\s*\(\s*("[^"]+"|[A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/i.exec(sql);
  return match ? DATE_PART_VALUES[match[1]!.toLowerCase()] : undefined;
}

interface ProjectArgs {
  readonly columns: readonly string[];
  readonly derive: readonly { readonly as: string; readonly sql: string; readonly uses: readonly string[] }[];
}

export function projectShape(inputs: readonly ValueShape[], args: ProjectArgs): ValueShape[] | undefined {
  const input = tableShapeAt(inputs, 0);
  if (!input) return undefined;
  const kept = args.columns.map((name) => input.columns.find((c) => c.name === name));
  // A column the input lacks: the op would fail at run time.
  if (kept.some((c) => c === undefined)) return undefined;
  const derived = args.derive.map((d) => {
    const distinct = datePartValues(d.sql);
    return { name: d.as, bytesPerRow: DERIVED_COLUMN_BYTES, ...(distinct !== undefined ? { distinct: Math.min(distinct, Math.max(1, input.rows)) } : {}) };
  });
  return [tableShapeOf(input.rows, [...(kept as TableColumnShape[]), ...derived])];
}

export function projectCost(inputs: readonly ValueShape[], args: ProjectArgs): OpCost | undefined {
  const input = tableShapeAt(inputs, 0);
  const output = projectShape(inputs, args)?.[0];
  if (!input || !output) return undefined;
  return tableCost(bytesOfColumns(input, new Set([...args.columns, ...args.derive.flatMap((d) => d.uses)])), output);
}

interface JoinArgs {
  readonly on: readonly JoinKey[];
  readonly how: 'inner' | 'left';
}

export function joinShape(inputs: readonly ValueShape[], args: JoinArgs): ValueShape[] | undefined {
  const left = tableShapeAt(inputs, 0);
  const right = tableShapeAt(inputs, 1);
  if (!left || !right) return undefined;
  const rightKeys = new Set(args.on.map(rightKey));
  // Rows per right key: 1 for a dimension table's unique key (its distinct count is its rows).
  const keyColumn = right.columns.find((c) => c.name === rightKey(args.on[0]!));
  const perKey = right.rows > 0 ? right.rows / Math.max(1, keyColumn?.distinct ?? right.rows) : 0;
  const rows = left.rows * Math.max(args.how === 'left' ? 1 : 0, perKey);
  return [withRows([...left.columns, ...right.columns.filter((c) => !rightKeys.has(c.name))], rows)];
}

export function joinCost(inputs: readonly ValueShape[], args: JoinArgs): OpCost | undefined {
  const output = joinShape(inputs, args)?.[0];
  if (!output) return undefined;
  return tableCost(byteSizeOfShape(inputs[0]!) + byteSizeOfShape(inputs[1]!), output);
}

interface AggregateArgs {
  readonly groupBy: readonly string[];
  readonly aggregates: readonly Aggregate[];
}

/** Groups of `keys`: the product of their distinct counts, at most the rows (and 1 without keys). */
export function groupCount(input: TableShape, keys: readonly string[]): number {
  if (keys.length === 0) return 1;
  const product = keys.reduce((p, key) => p * (input.columns.find((c) => c.name === key)?.distinct ?? DEFAULT_DISTINCT_VALUES), 1);
  return Math.min(input.rows, product);
}

export function aggregateShape(inputs: readonly ValueShape[], args: AggregateArgs): ValueShape[] | undefined {
  const input = tableShapeAt(inputs, 0);
  if (!input) return undefined;
  const keys = args.groupBy.map((name) => input.columns.find((c) => c.name === name));
  if (keys.some((c) => c === undefined)) return undefined;
  // Counts are int64; sums, averages, minima and maxima taken as 8-byte numbers.
  const values = args.aggregates.map((a) => ({ name: a.as, bytesPerRow: 8 }));
  return [withRows([...(keys as TableColumnShape[]), ...values], groupCount(input, args.groupBy))];
}

export function aggregateCost(inputs: readonly ValueShape[], args: AggregateArgs): OpCost | undefined {
  const input = tableShapeAt(inputs, 0);
  const output = aggregateShape(inputs, args)?.[0];
  if (!input || !output) return undefined;
  const used = new Set([...args.groupBy, ...args.aggregates.flatMap((a) => (a.column === undefined ? [] : [a.column]))]);
  return tableCost(bytesOfColumns(input, used), output);
}

/** A query's trailing `LIMIT n`, when it has one. */
function limitOf(query: string): number | undefined {
  const match = /\bLIMIT\s+(\d+)\s*;?\s*$/i.exec(query);
  return match ? Number(match[1]) : undefined;
}

export function sqlShape(inputs: readonly ValueShape[], args: { query: string }): ValueShape[] | undefined {
  const tables = inputs.map((_, i) => tableShapeAt(inputs, i));
  if (tables.length === 0 || tables.some((t) => t === undefined)) return undefined;
  const largest = (tables as TableShape[]).reduce((a, b) => (byteSizeOfShape(b) > byteSizeOfShape(a) ? b : a));
  const limit = limitOf(args.query);
  return [limit === undefined ? largest : withRows(largest.columns, Math.min(largest.rows, limit))];
}

export function sqlCost(inputs: readonly ValueShape[], args: { query: string }): OpCost | undefined {
  const output = sqlShape(inputs, args)?.[0];
  return output ? tableCost(inputs.reduce((sum, s) => sum + byteSizeOfShape(s), 0), output) : undefined;
}

/** Concatenation shares the inputs' record batches: no bytes move, only the call's overhead. */
export function concatShape(inputs: readonly ValueShape[]): ValueShape[] | undefined {
  const tables = inputs.map((_, i) => tableShapeAt(inputs, i));
  if (tables.length === 0 || tables.some((t) => t === undefined)) return undefined;
  const first = tables[0]!;
  return [tableShapeOf((tables as TableShape[]).reduce((sum, t) => sum + t.rows, 0), first.columns.map(({ distinct: _distinct, ...c }) => c))];
}

export function concatCost(inputs: readonly ValueShape[]): OpCost | undefined {
  return concatShape(inputs) ? { kernel: TABLE_KERNEL } : undefined;
}

/** table.write returns its input; encoding the file reads it and writes about as much. */
export function writeShape(inputs: readonly ValueShape[]): ValueShape[] | undefined {
  const input = tableShapeAt(inputs, 0);
  return input ? [input] : undefined;
}

export function writeCost(inputs: readonly ValueShape[]): OpCost | undefined {
  const input = tableShapeAt(inputs, 0);
  return input ? tableCost(byteSizeOfShape(input), input) : undefined;
}

/** What a source file holds, read from its footer or header before a run (./source-stats.ts). */
export interface SourceShape {
  readonly rows: number;
  /** Per column: bytes per row in Arrow (bytesPerRow), in the file (fileBytesPerRow), distinct values. */
  readonly columns: readonly (TableColumnShape & { readonly fileBytesPerRow: number })[];
}

interface ReadArgs {
  readonly columns?: readonly string[] | undefined;
  readonly filter: readonly Predicate[];
}

export function readShape(source: SourceShape | undefined, args: ReadArgs): ValueShape[] | undefined {
  if (!source) return undefined;
  const columns = args.columns ? args.columns.map((name) => source.columns.find((c) => c.name === name)) : source.columns;
  if (columns.some((c) => c === undefined)) return undefined;
  const all = tableShapeOf(source.rows, source.columns);
  const kept = (columns as SourceShape['columns']).map(({ fileBytesPerRow: _file, ...c }) => c);
  return [withRows(afterFilter(kept, args.filter), source.rows * filterSelectivity(args.filter, all))];
}

/** A read decodes the file bytes of the columns it reads (and filters on) into its output. */
export function readCost(source: SourceShape | undefined, args: ReadArgs): OpCost | undefined {
  const output = readShape(source, args)?.[0];
  if (!source || !output) return undefined;
  const read = new Set([...(args.columns ?? source.columns.map((c) => c.name)), ...args.filter.map((p) => p.column)]);
  const fileBytes = Math.round(source.rows * source.columns.filter((c) => read.has(c.name)).reduce((sum, c) => sum + c.fileBytesPerRow, 0));
  return { ...tableCost(fileBytes, output), sourceBytes: fileBytes };
}
