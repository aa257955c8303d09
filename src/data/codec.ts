import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Uint8, type Vector } from 'apache-arrow';
import { InvalidValueStreamError } from './invalid-value-stream-error.js';
import { decodeFromTemplate, encodeFromTemplate, learnReadLayout, learnWrittenLayout, type ColumnValue } from './stream-templates.js';
import type { Value } from './value.js';

/**
 * Values <-> Arrow IPC streams.
 * - MatrixBlock: one non-nullable Float64 column `values` (row-major), schema metadata
 *   `wukong.kind=matrix`, `wukong.rows`, `wukong.cols`.
 * - BytesValue: one non-nullable Uint8 column `bytes`, `wukong.kind=bytes`.
 * - TableValue: any Arrow table, written as is; read back as a table when `wukong.kind` is absent
 *   or `table`. (A table that itself carries `wukong.kind=matrix` reads back as a matrix.)
 * Decoding is zero-copy: the returned typed array views the input's ArrayBuffer. Arrow can only
 * view Float64 data at an 8-byte aligned address, so an unaligned input is copied once (see
 * `alignedForArrow`). Single-column streams use a byte-exact template fast path (stream-templates).
 */
export const WUKONG_KIND_KEY = 'wukong.kind';
export const WUKONG_ROWS_KEY = 'wukong.rows';
export const WUKONG_COLS_KEY = 'wukong.cols';
export const MATRIX_COLUMN = 'values';
export const BYTES_COLUMN = 'bytes';

export function encodeValue(value: Value): Uint8Array {
  if (value.kind === 'table') return tableToIPC(value.table, 'stream');
  if (value.kind === 'matrix' && value.data.length !== value.rows * value.cols) {
    throw new RangeError(`matrix ${value.rows}x${value.cols} needs ${value.rows * value.cols} values, got ${value.data.length}`);
  }
  const fromTemplate = encodeFromTemplate(value);
  if (fromTemplate) return fromTemplate;
  const encoded = value.kind === 'matrix' ? encodeMatrixWithArrow(value.rows, value.cols, value.data) : encodeBytesWithArrow(value.data);
  // Read Arrow's output back once per new shape so that later values of this shape skip Arrow.
  learnWrittenLayout(encoded, decodeColumnValue(tableFromIPC(encoded)) as ColumnValue);
  return encoded;
}

export function decodeValue(bytes: Uint8Array): Value {
  const fromTemplate = decodeFromTemplate(bytes);
  if (fromTemplate) return fromTemplate;
  const aligned = alignedForArrow(bytes);
  let table: Table;
  try {
    table = tableFromIPC(aligned);
  } catch (error) {
    throw new InvalidValueStreamError(`not an Arrow IPC stream (${bytes.byteLength} bytes): ${(error as Error).message}`, { cause: error });
  }
  const value = decodeColumnValue(table);
  if (value.kind !== 'table') learnReadLayout(aligned, value);
  return value;
}

/** Payload bytes of a value (its Arrow buffers), for size thresholds without encoding. */
export function valueByteSize(value: Value): number {
  switch (value.kind) {
    case 'matrix':
    case 'bytes':
      return value.data.byteLength;
    case 'table':
      return value.table.data.reduce((sum, data) => sum + data.byteLength, 0);
  }
}

/**
 * Arrow views Float64 data in place only at an 8-byte aligned address (else `new Float64Array`
 * throws). IPC pads every buffer to 8 bytes, so an aligned stream has aligned values; a stream
 * sliced at an odd offset (e.g. out of a network frame) is copied here, once, into a fresh buffer.
 */
export function alignedForArrow(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % Float64Array.BYTES_PER_ELEMENT === 0 ? bytes : bytes.slice();
}

function encodeMatrixWithArrow(rows: number, cols: number, data: Float64Array): Uint8Array {
  return singleColumnStream(MATRIX_COLUMN, new Float64(), data, { [WUKONG_KIND_KEY]: 'matrix', [WUKONG_ROWS_KEY]: String(rows), [WUKONG_COLS_KEY]: String(cols) });
}

function encodeBytesWithArrow(data: Uint8Array): Uint8Array {
  return singleColumnStream(BYTES_COLUMN, new Uint8(), data, { [WUKONG_KIND_KEY]: 'bytes' });
}

/** One record batch whose only column is built straight over `values` (makeData does not copy). */
function singleColumnStream(name: string, type: Float64 | Uint8, values: Float64Array | Uint8Array, metadata: Record<string, string>): Uint8Array {
  const schema = new Schema([new Field(name, type, false)], new Map(Object.entries(metadata)));
  const column = type instanceof Float64
    ? makeData({ type, length: values.length, nullCount: 0, data: values as Float64Array })
    : makeData({ type, length: values.length, nullCount: 0, data: values as Uint8Array });
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: values.length, nullCount: 0, children: [column] }));
  return tableToIPC(new Table([batch]), 'stream');
}

function decodeColumnValue(table: Table): Value {
  const kind = table.schema.metadata.get(WUKONG_KIND_KEY);
  switch (kind) {
    case undefined:
    case 'table':
      return { kind: 'table', table };
    case 'matrix': {
      const rows = readDimension(table, WUKONG_ROWS_KEY);
      const cols = readDimension(table, WUKONG_COLS_KEY);
      const data = numericColumn(table, MATRIX_COLUMN, Float64Array);
      if (data.length !== rows * cols) {
        throw new InvalidValueStreamError(`corrupt matrix stream: ${rows}x${cols} declared (${rows * cols} values), column "${MATRIX_COLUMN}" has ${data.length}`);
      }
      return { kind: 'matrix', rows, cols, data };
    }
    case 'bytes':
      return { kind: 'bytes', data: numericColumn(table, BYTES_COLUMN, Uint8Array) };
    default:
      throw new InvalidValueStreamError(`unknown ${WUKONG_KIND_KEY} "${kind}" (expected matrix, bytes or table)`);
  }
}

function readDimension(table: Table, key: string): number {
  const text = table.schema.metadata.get(key);
  const value = text === undefined || !/^\d+$/.test(text) ? Number.NaN : Number(text);
  if (!Number.isSafeInteger(value)) throw new InvalidValueStreamError(`corrupt matrix stream: ${key} is ${text === undefined ? 'missing' : `"${text}"`}`);
  return value;
}

/**
 * The column's values as one typed array: a view of the IPC buffer when the stream has a single
 * batch; several batches (large streams) are concatenated once by Arrow's `toArray`.
 */
function numericColumn<A extends Float64ArrayConstructor | Uint8ArrayConstructor>(table: Table, name: string, ArrayType: A): InstanceType<A> {
  const column = table.getChild(name) as Vector | null;
  if (!column) throw new InvalidValueStreamError(`corrupt ${table.schema.metadata.get(WUKONG_KIND_KEY)} stream: no column "${name}"`);
  if (column.nullCount > 0) throw new InvalidValueStreamError(`corrupt stream: column "${name}" has ${column.nullCount} nulls`);
  const values: unknown = column.toArray();
  if (!(values instanceof ArrayType)) throw new InvalidValueStreamError(`corrupt stream: column "${name}" is ${String(column.type)}, expected ${ArrayType.name.replace('Array', '')}`);
  return values as InstanceType<A>;
}
