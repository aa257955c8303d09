import type { DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import {
  Bool, DateDay, Dictionary, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, RecordBatch, Schema, Struct, Table, TimestampMicrosecond,
  TimestampMillisecond, TimestampNanosecond, TimestampSecond, Uint16, Uint32, Uint64, Uint8, Utf8, vectorFromArray, type Data, type DataType,
} from 'apache-arrow';
import { TableOpError } from './table-op-error.js';

// DuckDB's type ids (DuckDBTypeId in @duckdb/node-api), named here so that this module needs the
// engine's types only, not its native library.
const T = {
  BOOLEAN: 1, TINYINT: 2, SMALLINT: 3, INTEGER: 4, BIGINT: 5, UTINYINT: 6, USMALLINT: 7, UINTEGER: 8, UBIGINT: 9, FLOAT: 10, DOUBLE: 11,
  TIMESTAMP: 12, DATE: 13, HUGEINT: 16, VARCHAR: 17, DECIMAL: 19, TIMESTAMP_S: 20, TIMESTAMP_MS: 21, TIMESTAMP_NS: 22, ENUM: 23, TIMESTAMP_TZ: 31, UHUGEINT: 32,
} as const;

type TypedArray = Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Float32Array | Float64Array;

interface ColumnBuilder {
  /** The Arrow column of `items` (the engine's values, null for null). */
  build(items: readonly unknown[]): Data;
}

/** A fixed-width column: values copied into one typed array, nulls into Arrow's validity bitmap. */
function fixed<A extends TypedArray>(type: DataType, ArrayType: new (n: number) => A, convert: (item: unknown) => number | bigint): ColumnBuilder {
  return {
    build(items) {
      const values = new ArrayType(items.length);
      const validity = new Uint8Array(Math.ceil(items.length / 8));
      let nullCount = 0;
      for (let i = 0; i < items.length; i += 1) {
        const item = items[i];
        if (item === null || item === undefined) {
          nullCount += 1;
        } else {
          (values as unknown as (number | bigint)[])[i] = convert(item);
          validity[i >> 3]! |= 1 << (i & 7);
        }
      }
      return makeData({ type, length: items.length, nullCount, data: values, ...(nullCount > 0 ? { nullBitmap: validity } : {}) } as never);
    },
  };
}

/** A variable-width column (strings, booleans) through Arrow's builders. */
function built(type: DataType, convert: (item: unknown) => unknown = (item) => item): ColumnBuilder {
  return { build: (items) => vectorFromArray(items.map((item) => (item === null || item === undefined ? null : convert(item))), type).data[0]! };
}

const asNumber = (item: unknown) => Number(item);
const asBigInt = (item: unknown) => BigInt(item as bigint);
const micros = (item: unknown) => (item as { micros: bigint }).micros;

function int64Of(column: string) {
  return (item: unknown) => {
    const value = item as bigint;
    if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) throw new TableOpError(`column "${column}": ${value} does not fit in int64`);
    return value;
  };
}

function builderFor(typeId: number, column: string, typeText: string): ColumnBuilder {
  switch (typeId) {
    case T.BOOLEAN: return built(new Bool());
    case T.TINYINT: return fixed(new Int8(), Int8Array, asNumber);
    case T.SMALLINT: return fixed(new Int16(), Int16Array, asNumber);
    case T.INTEGER: return fixed(new Int32(), Int32Array, asNumber);
    case T.BIGINT: return fixed(new Int64(), BigInt64Array, asBigInt);
    case T.HUGEINT: return fixed(new Int64(), BigInt64Array, int64Of(column));
    case T.UTINYINT: return fixed(new Uint8(), Uint8Array, asNumber);
    case T.USMALLINT: return fixed(new Uint16(), Uint16Array, asNumber);
    case T.UINTEGER: return fixed(new Uint32(), Uint32Array, asNumber);
    case T.UBIGINT: return fixed(new Uint64(), BigUint64Array, asBigInt);
    case T.FLOAT: return fixed(new Float32(), Float32Array, asNumber);
    case T.DOUBLE: return fixed(new Float64(), Float64Array, asNumber);
    case T.DECIMAL: return fixed(new Float64(), Float64Array, (item) => (item as { toDouble(): number }).toDouble());
    case T.VARCHAR: return built(new Utf8(), String);
    case T.ENUM: return built(new Dictionary(new Utf8(), new Int32()), String);
    case T.DATE: return fixed(new DateDay(), Int32Array, (item) => (item as { days: number }).days);
    case T.TIMESTAMP: return fixed(new TimestampMicrosecond(), BigInt64Array, micros);
    case T.TIMESTAMP_TZ: return fixed(new TimestampMicrosecond('UTC'), BigInt64Array, micros);
    case T.TIMESTAMP_S: return fixed(new TimestampSecond(), BigInt64Array, (item) => (item as { seconds: bigint }).seconds);
    case T.TIMESTAMP_MS: return fixed(new TimestampMillisecond(), BigInt64Array, (item) => (item as { millis: bigint }).millis);
    case T.TIMESTAMP_NS: return fixed(new TimestampNanosecond(), BigInt64Array, (item) => (item as { nanos: bigint }).nanos);
    default:
      throw new TableOpError(`column "${column}" has engine type ${typeText}, which table values do not support; cast it (e.g. CAST(x AS DOUBLE)) in the query`);
  }
}

/** A query's whole result as one Arrow table (one record batch; column names as the query gave them). */
export async function resultToArrow(result: DuckDBResult): Promise<Table> {
  const names = result.deduplicatedColumnNames();
  const builders = names.map((name, i) => builderFor(result.columnTypeId(i), name, String(result.columnType(i))));
  const chunks: DuckDBDataChunk[] = await result.fetchAllChunks();
  const length = chunks.reduce((sum, chunk) => sum + chunk.rowCount, 0);
  const columns = names.map((_, i) => builders[i]!.build(itemsOf(chunks, i, length)));
  const fields = names.map((name, i) => new Field(name, columns[i]!.type, true));
  const schema = new Schema(fields);
  return new Table([new RecordBatch(schema, makeData({ type: new Struct(fields), length, nullCount: 0, children: columns }))]);
}

function itemsOf(chunks: readonly DuckDBDataChunk[], column: number, length: number): unknown[] {
  const items = new Array<unknown>(length);
  let row = 0;
  for (const chunk of chunks) {
    const vector = chunk.getColumnVector(column);
    for (let i = 0; i < chunk.rowCount; i += 1) items[row++] = vector.getItem(i);
  }
  return items;
}
