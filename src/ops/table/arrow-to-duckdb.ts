import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { DataType, Precision, TimeUnit, Type, type Field, type Table, type Vector } from 'apache-arrow';
import { quoteIdentifier } from './sql-text.js';
import { TableOpError } from './table-op-error.js';

type EngineModule = typeof import('@duckdb/node-api');

/** Rows per data chunk handed to DuckDB's appender: its vector size. */
const ROWS_PER_CHUNK = 2048;
const MS_PER_DAY = 86_400_000;

interface ColumnLoader {
  readonly sqlType: string;
  /** Every row's value as the DuckDB API takes it (null for a null). */
  values(vector: Vector): DuckDBValue[];
}

/**
 * Copies an Arrow table into a temporary DuckDB table `name` (the engine has no Arrow scan
 * without an extension download, so data goes in through its appender, one vector-sized chunk at
 * a time). Dictionary strings load as VARCHAR; timestamps of any unit as TIMESTAMP (microseconds).
 */
export async function loadArrowTable(connection: DuckDBConnection, name: string, table: Table): Promise<void> {
  const duck = await import('@duckdb/node-api');
  const fields = table.schema.fields;
  const loaders = fields.map((field) => loaderFor(field, duck));
  const columns = fields.map((field, i) => `${quoteIdentifier(field.name)} ${loaders[i]!.sqlType}`);
  await connection.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} (${columns.join(', ')})`);
  if (table.numRows === 0) return;
  const values = fields.map((field, i) => loaders[i]!.values(table.getChildAt(i) as Vector));
  const appender = await connection.createAppender(name);
  try {
    const types = fields.map((_, i) => appender.columnType(i));
    for (let start = 0; start < table.numRows; start += ROWS_PER_CHUNK) {
      const end = Math.min(table.numRows, start + ROWS_PER_CHUNK);
      const chunk = duck.DuckDBDataChunk.create(types, end - start);
      values.forEach((column, i) => chunk.setColumnValues(i, column.slice(start, end)));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

function loaderFor(field: Field, duck: EngineModule): ColumnLoader {
  const type = field.type as DataType;
  const plain = (sqlType: string): ColumnLoader => ({ sqlType, values: (vector) => rowsOf(vector, (v) => v as DuckDBValue) });
  switch (type.typeId) {
    case Type.Bool:
      return plain('BOOLEAN');
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: 8 | 16 | 32 | 64; isSigned: boolean };
      const names = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' } as const;
      return plain(`${isSigned ? '' : 'U'}${names[bitWidth]}`);
    }
    case Type.Float:
      return plain((type as unknown as { precision: Precision }).precision === Precision.DOUBLE ? 'DOUBLE' : 'FLOAT');
    case Type.Utf8:
    case Type.LargeUtf8:
      return plain('VARCHAR');
    case Type.Dictionary:
      if (DataType.isUtf8((type as unknown as { dictionary: DataType }).dictionary)) return plain('VARCHAR');
      break;
    case Type.Date:
      // Arrow's get() gives a date as epoch milliseconds; DuckDB's DATE counts days.
      return { sqlType: 'DATE', values: (vector) => rowsOf(vector, (ms) => duck.dateValue(Math.floor(Number(ms) / MS_PER_DAY))) };
    case Type.Timestamp:
      return { sqlType: 'TIMESTAMP', values: (vector) => timestampsOf(vector, (type as unknown as { unit: TimeUnit }).unit, duck) };
    default:
      break;
  }
  throw new TableOpError(`column "${field.name}" has Arrow type ${String(type)}, which table ops do not support (supported: bool, ints, floats, utf8, dictionary utf8, date, timestamp)`);
}

function rowsOf(vector: Vector, convert: (value: unknown) => DuckDBValue): DuckDBValue[] {
  const out = new Array<DuckDBValue>(vector.length);
  for (let i = 0; i < vector.length; i += 1) {
    const value: unknown = vector.get(i);
    out[i] = value === null || value === undefined ? null : convert(value);
  }
  return out;
}

const TO_MICROS: Record<TimeUnit, (raw: bigint) => bigint> = {
  [TimeUnit.SECOND]: (raw) => raw * 1_000_000n,
  [TimeUnit.MILLISECOND]: (raw) => raw * 1_000n,
  [TimeUnit.MICROSECOND]: (raw) => raw,
  [TimeUnit.NANOSECOND]: (raw) => raw / 1_000n,
};

/** Timestamps straight from Arrow's int64 buffers (get() would round them to milliseconds). */
function timestampsOf(vector: Vector, unit: TimeUnit, duck: EngineModule): DuckDBValue[] {
  const out: DuckDBValue[] = [];
  for (const data of vector.data) {
    const raw = data.values as unknown as BigInt64Array;
    for (let i = 0; i < data.length; i += 1) out.push(data.getValid(i) ? duck.timestampValue(TO_MICROS[unit](raw[i]!)) : null);
  }
  return out;
}
