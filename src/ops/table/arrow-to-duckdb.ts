import type { DuckDBConnection } from '@duckdb/node-api';
import { DataType, Precision, TimeUnit, Type, type Data, type Field, type Table, type Vector } from 'apache-arrow';
import { quoteIdentifier } from './sql-text.js';
import { TableOpError } from './table-op-error.js';

type Bindings = typeof import('@duckdb/node-bindings');
type RawVector = import('@duckdb/node-bindings').Vector;

/** The engine's C API bindings (a CommonJS module: its functions sit on the default export). */
export async function engineBindings(): Promise<Bindings> {
  const loaded = (await import('@duckdb/node-bindings')) as Bindings & { default?: Bindings };
  return loaded.default ?? loaded;
}

/** Rows per data chunk handed to DuckDB's appender: its vector size. */
const ROWS_PER_CHUNK = 2048;
const MS_PER_DAY = 86_400_000;

/** One column, ready to be copied into the engine's vectors a chunk of rows at a time. */
interface ColumnWriter {
  readonly sqlType: string;
  /** Fills `vector` with rows [start, end) of the column. */
  write(vector: RawVector, start: number, end: number): void;
}

/**
 * Copies an Arrow table into a temporary DuckDB table `name` through the appender (the engine has
 * no Arrow scan without an extension download). Fixed-width columns (ints, floats, dates,
 * timestamps) are copied as memory, with Arrow's validity bitmap as DuckDB's (both are LSB-first
 * bits); strings (dictionary strings decoded) are assigned one by one; booleans unpacked to bytes.
 */
export async function loadArrowTable(connection: DuckDBConnection, name: string, table: Table): Promise<void> {
  const { DuckDBDataChunk } = await import('@duckdb/node-api');
  const bindings = await engineBindings();
  const writers = table.schema.fields.map((field, i) => writerFor(field, table.getChildAt(i) as Vector, bindings));
  const columns = table.schema.fields.map((field, i) => `${quoteIdentifier(field.name)} ${writers[i]!.sqlType}`);
  await connection.run(`CREATE TEMP TABLE ${quoteIdentifier(name)} (${columns.join(', ')})`);
  if (table.numRows === 0) return;
  const appender = await connection.createAppender(name);
  try {
    const types = writers.map((_, i) => appender.columnType(i));
    for (let start = 0; start < table.numRows; start += ROWS_PER_CHUNK) {
      const end = Math.min(table.numRows, start + ROWS_PER_CHUNK);
      const chunk = DuckDBDataChunk.create(types, end - start);
      writers.forEach((writer, i) => writer.write(bindings.data_chunk_get_vector(chunk.chunk, i), start, end));
      appender.appendDataChunk(chunk);
    }
    appender.flushSync();
  } finally {
    appender.closeSync();
  }
}

type TypedArray = Int8Array | Int16Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array | Uint32Array | BigUint64Array | Float32Array | Float64Array;

/**
 * The whole column's values as one typed array (a view when Arrow holds it in one piece). A view
 * of a SharedArrayBuffer (an input another executor thread put in the embedded store, see
 * runtime/embedded/port-rpc.ts) is copied: the engine's copy_data_to_vector takes only an
 * ArrayBuffer and fails with "Invalid argument" on a shared one.
 */
function contiguous<A extends TypedArray>(vector: Vector, ArrayType: { new (n: number): A; BYTES_PER_ELEMENT: number }): A {
  if (vector.data.length === 1 && !(vector.data[0]!.values.buffer instanceof SharedArrayBuffer)) {
    const data = vector.data[0]!;
    const values = data.values as A;
    return values.subarray(0, data.length) as A;
  }
  const out = new ArrayType(vector.length);
  let at = 0;
  for (const data of vector.data) {
    (out as unknown as { set(source: ArrayLike<number | bigint>, offset: number): void }).set((data.values as A).subarray(0, data.length) as ArrayLike<number | bigint>, at);
    at += data.length;
  }
  return out;
}

/** The column's validity as one LSB-first bitmap from row 0, or undefined when nothing is null. */
function validityOf(vector: Vector): Uint8Array | undefined {
  if (vector.nullCount === 0) return undefined;
  const bits = new Uint8Array(Math.ceil(vector.length / 64) * 8);
  let row = 0;
  for (const data of vector.data) {
    for (let i = 0; i < data.length; i += 1, row += 1) if (data.getValid(i)) bits[row >> 3]! |= 1 << (row & 7);
  }
  return bits;
}

function writeValidity(bindings: Bindings, vector: RawVector, validity: Uint8Array | undefined, start: number, end: number): void {
  if (!validity) return;
  bindings.vector_ensure_validity_writable(vector);
  // start is a multiple of the chunk size (2,048), so of 64: whole uint64 words line up.
  const bytes = Math.ceil((end - start) / 64) * 8;
  bindings.copy_data_to_vector_validity(vector, 0, validity.buffer as ArrayBuffer, validity.byteOffset + start / 8, bytes);
}

function fixedWidth(sqlType: string, values: TypedArray, validity: Uint8Array | undefined, bindings: Bindings): ColumnWriter {
  const width = values.BYTES_PER_ELEMENT;
  return {
    sqlType,
    write(vector, start, end) {
      bindings.copy_data_to_vector(vector, 0, values.buffer as ArrayBuffer, values.byteOffset + start * width, (end - start) * width);
      writeValidity(bindings, vector, validity, start, end);
    },
  };
}

function writerFor(field: Field, vector: Vector, bindings: Bindings): ColumnWriter {
  const type = field.type as DataType;
  const validity = validityOf(vector);
  switch (type.typeId) {
    case Type.Int: {
      const { bitWidth, isSigned } = type as unknown as { bitWidth: 8 | 16 | 32 | 64; isSigned: boolean };
      const names = { 8: 'TINYINT', 16: 'SMALLINT', 32: 'INTEGER', 64: 'BIGINT' } as const;
      const arrays = isSigned ? { 8: Int8Array, 16: Int16Array, 32: Int32Array, 64: BigInt64Array } : { 8: Uint8Array, 16: Uint16Array, 32: Uint32Array, 64: BigUint64Array };
      return fixedWidth(`${isSigned ? '' : 'U'}${names[bitWidth]}`, contiguous(vector, arrays[bitWidth] as never), validity, bindings);
    }
    case Type.Float: {
      const precision = (type as unknown as { precision: Precision }).precision;
      if (precision === Precision.DOUBLE) return fixedWidth('DOUBLE', contiguous(vector, Float64Array), validity, bindings);
      if (precision === Precision.SINGLE) return fixedWidth('FLOAT', contiguous(vector, Float32Array), validity, bindings);
      break;
    }
    case Type.Date: {
      // DuckDB's DATE is int32 days; Arrow's DateDay is too, DateMillisecond is int64 ms.
      const unit = (type as unknown as { unit: number }).unit;
      const days = unit === 0 ? contiguous(vector, Int32Array) : Int32Array.from(contiguous(vector, BigInt64Array), (ms) => Math.floor(Number(ms) / MS_PER_DAY));
      return fixedWidth('DATE', days, validity, bindings);
    }
    case Type.Timestamp: {
      const raw = contiguous(vector, BigInt64Array);
      const scale = { [TimeUnit.SECOND]: 1_000_000n, [TimeUnit.MILLISECOND]: 1_000n, [TimeUnit.MICROSECOND]: 1n, [TimeUnit.NANOSECOND]: 0n }[(type as unknown as { unit: TimeUnit }).unit];
      const micros = scale === 1n ? raw : BigInt64Array.from(raw, (v) => (scale === 0n ? v / 1_000n : v * scale));
      return fixedWidth('TIMESTAMP', micros, validity, bindings);
    }
    case Type.Bool: {
      const bytes = Uint8Array.from({ length: vector.length }, (_, i) => (vector.get(i) ? 1 : 0));
      return fixedWidth('BOOLEAN', bytes, validity, bindings);
    }
    case Type.Utf8:
    case Type.LargeUtf8:
      return strings(vector, validity, bindings);
    case Type.Dictionary:
      if (DataType.isUtf8((type as unknown as { dictionary: DataType }).dictionary)) return strings(vector, validity, bindings);
      break;
    default:
      break;
  }
  throw new TableOpError(`column "${field.name}" has Arrow type ${String(type)}, which table ops do not support (supported: bool, ints, float32/64, utf8, dictionary utf8, date, timestamp)`);
}

function strings(vector: Vector, validity: Uint8Array | undefined, bindings: Bindings): ColumnWriter {
  // Dictionary columns: each distinct string decoded once, then looked up by index.
  const decoded = vector.data.map((data: Data) => (data.dictionary ? dictionaryStrings(data) : undefined));
  const chunkOf = locate(vector);
  return {
    sqlType: 'VARCHAR',
    write(raw, start, end) {
      for (let row = start; row < end; row += 1) {
        const [piece, index] = chunkOf(row);
        const data = vector.data[piece]!;
        if (!data.getValid(index)) continue;
        const dictionary = decoded[piece];
        const text = dictionary ? dictionary[Number((data.values as ArrayLike<number | bigint>)[index])]! : (vector.get(row) as string);
        bindings.vector_assign_string_element(raw, row - start, text);
      }
      writeValidity(bindings, raw, validity, start, end);
    },
  };
}

function dictionaryStrings(data: Data): string[] {
  const dictionary = data.dictionary!;
  return Array.from({ length: dictionary.length }, (_, i) => String(dictionary.get(i)));
}

/** Row -> [which Arrow data piece, index within it]. */
function locate(vector: Vector): (row: number) => [number, number] {
  const starts: number[] = [];
  let at = 0;
  for (const data of vector.data) {
    starts.push(at);
    at += data.length;
  }
  let piece = 0;
  return (row) => {
    if (row < starts[piece]! || row >= starts[piece]! + vector.data[piece]!.length) {
      piece = 0;
      while (piece + 1 < starts.length && starts[piece + 1]! <= row) piece += 1;
    }
    return [piece, row - starts[piece]!];
  };
}
