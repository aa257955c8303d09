import type { DuckDBDataChunk, DuckDBResult } from '@duckdb/node-api';
import {
  Bool, DateDay, Dictionary, Field, Float32, Float64, Int16, Int32, Int64, Int8, makeData, RecordBatch, Schema, Struct, Table, TimestampMicrosecond,
  TimestampMillisecond, TimestampNanosecond, TimestampSecond, Uint16, Uint32, Uint64, Uint8, Utf8, vectorFromArray, type Data, type DataType,
} from 'apache-arrow';
import { engineBindings } from './arrow-to-duckdb.js';
import { TableOpError } from './table-op-error.js';

// DuckDB's type ids (DuckDBTypeId in @duckdb/node-api), named here so that this module needs the
// engine's types only, not its native library.
const T = {
  BOOLEAN: 1, TINYINT: 2, SMALLINT: 3, INTEGER: 4, BIGINT: 5, UTINYINT: 6, USMALLINT: 7, UINTEGER: 8, UBIGINT: 9, FLOAT: 10, DOUBLE: 11,
  TIMESTAMP: 12, DATE: 13, HUGEINT: 16, VARCHAR: 17, DECIMAL: 19, TIMESTAMP_S: 20, TIMESTAMP_MS: 21, TIMESTAMP_NS: 22, ENUM: 23, TIMESTAMP_TZ: 31, UHUGEINT: 32,
} as const;

type TypedArray = Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Float32Array | Float64Array;

type Bindings = typeof import('@duckdb/node-bindings');
type RawChunk = { readonly vector: import('@duckdb/node-bindings').Vector; readonly rows: number };

/** Builds one Arrow column: from the engine's raw vectors (`raw`), or from its values one by one. */
type ColumnBuilder =
  | { readonly raw: true; build(chunks: readonly RawChunk[], length: number, bindings: Bindings): Data }
  | { readonly raw: false; build(items: readonly unknown[]): Data };

/**
 * A fixed-width column whose engine layout is Arrow's (ints, floats, dates, timestamps): each
 * chunk's data copied as memory, its validity bit by bit only where a chunk has nulls.
 */
function fixed<A extends TypedArray>(type: DataType, ArrayType: { new (n: number): A; BYTES_PER_ELEMENT: number }): ColumnBuilder {
  const width = ArrayType.BYTES_PER_ELEMENT;
  return {
    raw: true,
    build(chunks: readonly RawChunk[], length: number, bindings: Bindings) {
      const values = new ArrayType(length);
      const target = new Uint8Array(values.buffer);
      let validity: Uint8Array | undefined;
      let nullCount = 0;
      let row = 0;
      for (const { vector, rows } of chunks) {
        target.set(bindings.vector_get_data(vector, rows * width).subarray(0, rows * width), row * width);
        const bits = bindings.vector_get_validity(vector, Math.ceil(rows / 64) * 8);
        if (bits) {
          validity ??= allValid(length);
          for (let i = 0; i < rows; i += 1) {
            if ((bits[i >> 3]! & (1 << (i & 7))) === 0) {
              validity[(row + i) >> 3]! &= ~(1 << ((row + i) & 7));
              nullCount += 1;
            }
          }
        }
        row += rows;
      }
      return makeData({ type, length, nullCount, data: values, ...(validity ? { nullBitmap: validity } : {}) } as never);
    },
  };
}

function allValid(length: number): Uint8Array {
  return new Uint8Array(Math.ceil(length / 8)).fill(0xff);
}

/** A column converted value by value (booleans, decimals, huge ints, strings). */
function converted<A extends TypedArray>(type: DataType, ArrayType: new (n: number) => A, convert: (item: unknown) => number | bigint): ColumnBuilder {
  return {
    raw: false,
    build(items: readonly unknown[]) {
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
  return { raw: false, build: (items: readonly unknown[]) => vectorFromArray(items.map((item) => (item === null || item === undefined ? null : convert(item))), type).data[0]! };
}


/**
 * A Utf8 column written straight into Arrow's buffers (offsets + UTF-8 bytes): Arrow's generic
 * builder costs about 5 us a string. Each distinct string is encoded once.
 */
function utf8Column(items: readonly unknown[]): Data {
  const offsets = new Int32Array(items.length + 1);
  const validity = new Uint8Array(Math.ceil(items.length / 8));
  const encoder = new TextEncoder();
  const encoded = new Map<string, Uint8Array>();
  let bytes = new Uint8Array(Math.max(64, items.length * 8));
  let at = 0;
  let nullCount = 0;
  for (let i = 0; i < items.length; i += 1) {
    const item = items[i];
    if (item === null || item === undefined) {
      nullCount += 1;
    } else {
      const text = String(item);
      let utf8 = encoded.get(text);
      if (!utf8) {
        utf8 = encoder.encode(text);
        if (encoded.size < 65_536) encoded.set(text, utf8);
      }
      if (at + utf8.byteLength > bytes.byteLength) {
        const grown = new Uint8Array(Math.max(bytes.byteLength * 2, at + utf8.byteLength));
        grown.set(bytes.subarray(0, at));
        bytes = grown;
      }
      bytes.set(utf8, at);
      at += utf8.byteLength;
      validity[i >> 3]! |= 1 << (i & 7);
    }
    offsets[i + 1] = at;
  }
  return makeData({ type: new Utf8(), length: items.length, nullCount, valueOffsets: offsets, data: bytes.subarray(0, at), ...(nullCount > 0 ? { nullBitmap: validity } : {}) });
}

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
    case T.TINYINT: return fixed(new Int8(), Int8Array);
    case T.SMALLINT: return fixed(new Int16(), Int16Array);
    case T.INTEGER: return fixed(new Int32(), Int32Array);
    case T.BIGINT: return fixed(new Int64(), BigInt64Array);
    case T.HUGEINT: return converted(new Int64(), BigInt64Array, int64Of(column));
    case T.UTINYINT: return fixed(new Uint8(), Uint8Array);
    case T.USMALLINT: return fixed(new Uint16(), Uint16Array);
    case T.UINTEGER: return fixed(new Uint32(), Uint32Array);
    case T.UBIGINT: return fixed(new Uint64(), BigUint64Array);
    case T.FLOAT: return fixed(new Float32(), Float32Array);
    case T.DOUBLE: return fixed(new Float64(), Float64Array);
    case T.DECIMAL: return converted(new Float64(), Float64Array, (item) => (item as { toDouble(): number }).toDouble());
    case T.VARCHAR: return { raw: false, build: utf8Column };
    case T.ENUM: return built(new Dictionary(new Utf8(), new Int32()), String);
    case T.DATE: return fixed(new DateDay(), Int32Array);
    case T.TIMESTAMP: return fixed(new TimestampMicrosecond(), BigInt64Array);
    case T.TIMESTAMP_TZ: return fixed(new TimestampMicrosecond('UTC'), BigInt64Array);
    case T.TIMESTAMP_S: return fixed(new TimestampSecond(), BigInt64Array);
    case T.TIMESTAMP_MS: return fixed(new TimestampMillisecond(), BigInt64Array);
    case T.TIMESTAMP_NS: return fixed(new TimestampNanosecond(), BigInt64Array);
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
  const bindings = await engineBindings();
  const columns = names.map((_, i) => {
    const builder = builders[i]!;
    if (!builder.raw) return builder.build(itemsOf(chunks, i, length));
    return builder.build(chunks.map((chunk) => ({ vector: bindings.data_chunk_get_vector(chunk.chunk, i), rows: chunk.rowCount })), length, bindings);
  });
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
