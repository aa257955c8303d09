import type { Table } from 'apache-arrow';
import type { TableValue, Value } from '../../data/value.js';
import { OpInputError } from '../op-input-error.js';
import { loadArrowTable } from './arrow-to-duckdb.js';
import { resultToArrow } from './duckdb-to-arrow.js';
import { withConnection } from './engine.js';
import { TableOpError } from './table-op-error.js';

/** Input `index` of a table op, which must be a table. */
export function tableInput(op: string, inputs: readonly Value[], index: number): Table {
  const value = inputs[index];
  if (value?.kind !== 'table') throw new OpInputError(op, `input ${index} must be a table, got ${value === undefined ? 'nothing' : `a ${value.kind} value`}`);
  return value.table;
}

export function tableValue(table: Table, sourceBytes?: number): TableValue {
  return { kind: 'table', table, ...(sourceBytes === undefined ? {} : { sourceBytes }) };
}

/**
 * Runs `sql` in the engine with each of `tables` loaded under its name, and returns the result
 * as an Arrow table. An engine error (syntax, unknown column, bad cast) becomes a TableOpError
 * carrying the engine's message.
 */
export async function queryTables(tables: ReadonlyMap<string, Table>, sql: string): Promise<Table> {
  return withConnection(async (connection) => {
    for (const [name, table] of tables) await loadArrowTable(connection, name, table);
    try {
      return await resultToArrow(await connection.run(sql));
    } catch (error) {
      if (error instanceof TableOpError) throw error;
      throw new TableOpError((error as Error).message, { cause: error });
    }
    // Over tables already loaded: the sealed engine, which reaches no file (./engine.ts).
  }, 'sealed');
}

/** The one-input form: the input is table `input`. */
export function queryTable(table: Table, sql: (from: string) => string): Promise<Table> {
  return queryTables(new Map([['input', table]]), sql('"input"'));
}
