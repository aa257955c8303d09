import * as z from 'zod';
import { columnList, quoteIdentifier, sqlLiteral } from './sql-text.js';

/**
 * Structured arguments of the table ops. Filters, projections, joins and aggregates are data,
 * not SQL text, so that pushdown (./pushdown.ts) knows exactly which columns each task reads;
 * `table.sql` and derived columns take SQL and say which columns they use.
 */
const ColumnName = z.string().min(1, 'a column name');
const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);

export const PredicateSchema = z
  .object({
    column: ColumnName,
    op: z.enum(['=', '!=', '<', '<=', '>', '>=', 'in', 'is null', 'is not null']),
    value: z.union([Scalar, z.array(Scalar)]).optional(),
  })
  .strict()
  .refine((p) => (p.op === 'is null' || p.op === 'is not null' ? p.value === undefined : p.value !== undefined), { message: 'value is required, except for "is null" and "is not null" (which take none)' })
  .refine((p) => (p.op === 'in') === Array.isArray(p.value), { message: '"in" takes an array value; the other comparisons a single value' })
  // SQL's comparisons with NULL are never true: such a filter would quietly keep no row.
  .refine((p) => p.value !== null && !(Array.isArray(p.value) && p.value.includes(null)), {
    message: 'a comparison with null matches no row (SQL); use op "is null" or "is not null", which take no value',
  });
export type Predicate = z.output<typeof PredicateSchema>;

/** A row filter: every predicate must hold (AND). */
export const FilterSchema = z.array(PredicateSchema);

export function predicateSql(predicate: Predicate): string {
  const column = quoteIdentifier(predicate.column);
  switch (predicate.op) {
    case 'is null':
    case 'is not null':
      return `${column} ${predicate.op.toUpperCase()}`;
    case 'in':
      return `${column} IN (${(predicate.value as (string | number | boolean | null)[]).map(sqlLiteral).join(', ')})`;
    default:
      return `${column} ${predicate.op} ${sqlLiteral(predicate.value as string | number | boolean | null)}`;
  }
}

/** `WHERE a AND b`, or nothing for no predicates. */
export function whereSql(filter: readonly Predicate[] | undefined): string {
  return filter && filter.length > 0 ? ` WHERE ${filter.map(predicateSql).join(' AND ')}` : '';
}

export const DerivedColumnSchema = z
  .object({
    as: ColumnName,
    sql: z.string().min(1).describe('a SQL expression over the input columns, e.g. hour(pickup_ts)'),
    uses: z.array(ColumnName).describe('the input columns the expression reads (pushdown keeps them)'),
  })
  .strict();

export const AggregateSchema = z
  .object({
    fn: z.enum(['count', 'sum', 'avg', 'min', 'max', 'count_distinct']),
    column: ColumnName.optional(),
    as: ColumnName,
  })
  .strict()
  .refine((a) => a.fn === 'count' || a.column !== undefined, { message: 'column is required for every function but count' });
export type Aggregate = z.output<typeof AggregateSchema>;

export function aggregateSql(aggregate: Aggregate): string {
  const column = aggregate.column === undefined ? '*' : quoteIdentifier(aggregate.column);
  const call = aggregate.fn === 'count_distinct' ? `count(DISTINCT ${column})` : `${aggregate.fn}(${column})`;
  // Sums and counts of integers are HUGEINT in DuckDB: bring them back to int64 for Arrow.
  const cast = aggregate.fn === 'count' || aggregate.fn === 'count_distinct' ? '::BIGINT' : '';
  return `${call}${cast} AS ${quoteIdentifier(aggregate.as)}`;
}

export const JoinKeySchema = z.union([ColumnName, z.object({ left: ColumnName, right: ColumnName }).strict()]);
export type JoinKey = z.output<typeof JoinKeySchema>;

export const leftKey = (key: JoinKey) => (typeof key === 'string' ? key : key.left);
export const rightKey = (key: JoinKey) => (typeof key === 'string' ? key : key.right);

export { columnList };
