import { aggregateSql, columnList, leftKey, rightKey, whereSql, type Aggregate, type JoinKey, type Predicate } from './table-args.js';
import { quoteIdentifier } from './sql-text.js';

/**
 * The SQL each table transform runs, from its args and the names its inputs are loaded under:
 * shared by the ops (./transform-ops.ts, over the input tables) and the check before a run
 * (./query-check.ts, over empty tables of the inputs' schemas), so both bind the same query.
 */

export const filterQuery = (from: string, args: { where: readonly Predicate[] }) => `SELECT * FROM ${from}${whereSql(args.where)}`;

export function projectQuery(from: string, args: { columns: readonly string[]; derive: readonly { as: string; sql: string }[] }): string {
  const select = [...args.columns.map(quoteIdentifier), ...args.derive.map((d) => `(${d.sql}) AS ${quoteIdentifier(d.as)}`)];
  return `SELECT ${select.join(', ')} FROM ${from}`;
}

/**
 * Input 0 loaded as "left", input 1 as "right" (whose columns are `rightColumns`); the right keys
 * dropped. No aliases: an engine message about a key then names the side, "left" or "right".
 */
export function joinQuery(args: { on: readonly JoinKey[]; how: 'inner' | 'left' }, rightColumns: readonly string[]): string {
  const condition = args.on.map((key) => `"left".${quoteIdentifier(leftKey(key))} = "right".${quoteIdentifier(rightKey(key))}`).join(' AND ');
  const rightKeys = new Set(args.on.map(rightKey));
  const select = ['"left".*', ...rightColumns.filter((name) => !rightKeys.has(name)).map((name) => `"right".${quoteIdentifier(name)}`)].join(', ');
  return `SELECT ${select} FROM "left" ${args.how.toUpperCase()} JOIN "right" ON ${condition}`;
}

export function aggregateQuery(from: string, args: { groupBy: readonly string[]; aggregates: readonly Aggregate[] }): string {
  const keys = columnList(args.groupBy);
  const select = [...(args.groupBy.length > 0 ? [keys] : []), ...args.aggregates.map(aggregateSql)].join(', ');
  const grouping = args.groupBy.length > 0 ? ` GROUP BY ${keys} ORDER BY ${keys}` : '';
  return `SELECT ${select} FROM ${from}${grouping}`;
}

/** The names table.sql's inputs are loaded under: args.inputs, else input0, input1, ... */
export const sqlInputNames = (count: number, names: readonly string[] | undefined) => Array.from({ length: count }, (_, i) => names?.[i] ?? `input${i}`);
