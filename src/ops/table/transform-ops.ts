import * as z from 'zod';
import { defineOp } from '../define-op.js';
import { atLeast, exactly } from '../op-definition.js';
import { OpInputError } from '../op-input-error.js';
import { AggregateSchema, DerivedColumnSchema, FilterSchema, JoinKeySchema } from './table-args.js';
import { aggregateQuery, filterQuery, joinQuery, projectQuery, sqlInputNames } from './op-sql.js';
import { queryTable, queryTables, tableInput, tableValue } from './run-query.js';
import { aggregateCost, aggregateShape, concatCost, concatShape, filterCost, filterShape, joinCost, joinShape, projectCost, projectShape, sqlCost, sqlShape } from './table-costs.js';


export const tableFilter = defineOp({
  name: 'table.filter',
  description: 'rows of the input table for which every predicate holds (args.where); columns unchanged',
  args: z.object({ where: FilterSchema.min(1) }).strict(),
  arity: exactly(1),
  outputs: 1,
  shape: filterShape,
  cost: filterCost,
  run: async (inputs, args) => [tableValue(await queryTable(tableInput('table.filter', inputs, 0), (from) => filterQuery(from, args)))],
});

export const tableProject = defineOp({
  name: 'table.project',
  description: 'the input table reduced to args.columns, plus derived columns (args.derive: SQL expressions)',
  args: z.object({ columns: z.array(z.string().min(1)), derive: z.array(DerivedColumnSchema).default([]) }).strict().refine((a) => a.columns.length + a.derive.length > 0, { message: 'keep at least one column or derive one' }),
  arity: exactly(1),
  outputs: 1,
  shape: projectShape,
  cost: projectCost,
  run: async (inputs, args) => [tableValue(await queryTable(tableInput('table.project', inputs, 0), (from) => projectQuery(from, args)))],
});

export const tableJoin = defineOp({
  name: 'table.join',
  description: 'input 0 joined with input 1 on args.on (names, or {left, right} pairs); inner or left; right keys dropped',
  args: z.object({ on: z.array(JoinKeySchema).min(1), how: z.enum(['inner', 'left']).default('inner') }).strict(),
  arity: exactly(2),
  outputs: 1,
  shape: joinShape,
  cost: joinCost,
  run: async (inputs, args) => {
    const left = tableInput('table.join', inputs, 0);
    const right = tableInput('table.join', inputs, 1);
    const sql = joinQuery(args, right.schema.fields.map((f) => f.name));
    return [tableValue(await queryTables(new Map([['left', left], ['right', right]]), sql))];
  },
});

export const tableAggregate = defineOp({
  name: 'table.aggregate',
  description: 'group by args.groupBy and compute args.aggregates (count, sum, avg, min, max, count_distinct); rows ordered by the group keys',
  args: z.object({ groupBy: z.array(z.string().min(1)), aggregates: z.array(AggregateSchema).min(1) }).strict(),
  arity: exactly(1),
  outputs: 1,
  shape: aggregateShape,
  cost: aggregateCost,
  run: async (inputs, args) => [tableValue(await queryTable(tableInput('table.aggregate', inputs, 0), (from) => aggregateQuery(from, args)))],
});

export const tableSql = defineOp({
  name: 'table.sql',
  description: 'a SQL query (args.query) over the inputs, named input0, input1, ... or args.inputs',
  args: z.object({ query: z.string().min(1), inputs: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain SQL name')).optional() }).strict(),
  arity: atLeast(0),
  outputs: 1,
  shape: sqlShape,
  cost: sqlCost,
  run: async (inputs, args) => {
    if (args.inputs && args.inputs.length !== inputs.length) throw new OpInputError('table.sql', `args.inputs names ${args.inputs.length} tables but the task has ${inputs.length} inputs`);
    const names = sqlInputNames(inputs.length, args.inputs);
    const tables = new Map(inputs.map((_, i) => [names[i]!, tableInput('table.sql', inputs, i)]));
    return [tableValue(await queryTables(tables, args.query))];
  },
});

export const tableConcat = defineOp({
  name: 'table.concat',
  description: 'the inputs one after the other (same columns and types); zero-copy: record batches are shared',
  args: z.object({}).strict(),
  arity: atLeast(1),
  outputs: 1,
  shape: concatShape,
  cost: concatCost,
  run: (inputs) => {
    const tables = inputs.map((_, i) => tableInput('table.concat', inputs, i));
    const first = tables[0]!;
    tables.forEach((table, i) => {
      if (!sameColumns(first.schema.fields, table.schema.fields)) {
        throw new OpInputError('table.concat', `input ${i} has columns ${describe(table.schema.fields)}, input 0 has ${describe(first.schema.fields)}`);
      }
    });
    return [tableValue(first.concat(...tables.slice(1)))];
  },
});

type Fields = readonly { name: string; type: { toString(): string } }[];
const describe = (fields: Fields) => `(${fields.map((f) => `${f.name} ${String(f.type)}`).join(', ')})`;
const sameColumns = (a: Fields, b: Fields) => a.length === b.length && a.every((f, i) => f.name === b[i]!.name && String(f.type) === String(b[i]!.type));
