import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC, Uint8, type DataType, type Vector } from 'apache-arrow';
import { headerKey, headerLength, TemplateCache, type StreamLayout } from './stream-templates.js';
import type { Value } from './value.js';

/**
 * Values <-> Arrow IPC streams. A matrix is one non-nullable Float64 column `values` (row-major)
 * with its shape in the schema metadata; bytes are one Uint8 column; any other Arrow table passes
 * through. Decoding is zero-copy: the returned arrays view the input's buffer.
 */
const KIND = 'wukong.kind';

export function encodeValue(value: Value): Uint8Array {
  if (value.kind !== 'table') return encodeFromTemplate(value.kind, value.kind === 'matrix' ? `${value.rows}x${value.cols}` : '', value.data, () => encodeSlow(value));
  return encodeSlow(value);
}

function encodeSlow(value: Value): Uint8Array {
  switch (value.kind) {
    case 'matrix':
      return columnStream('values', new Float64(), value.data, { [KIND]: 'matrix', 'wukong.rows': String(value.rows), 'wukong.cols': String(value.cols) });
    case 'bytes':
      return columnStream('bytes', new Uint8(), value.data, { [KIND]: 'bytes' });
    case 'table':
      return tableToIPC(value.table, 'stream');
  }
}

export function decodeValue(bytes: Uint8Array): Value {
  const length = headerLength(bytes);
  const known = length > 0 ? decodeTemplates.get(headerKey(bytes, length)) : undefined;
  if (known && known.streamBytes === bytes.byteLength && (bytes.byteOffset + known.valuesOffset) % 8 === 0) {
    const start = bytes.byteOffset + known.valuesOffset;
    if (known.kind === 'matrix') return { kind: 'matrix', rows: known.rows, cols: known.cols, data: new Float64Array(bytes.buffer, start, known.count) };
    return { kind: 'bytes', data: new Uint8Array(bytes.buffer, start, known.count) };
  }
  const value = decodeSlow(bytes);
  if (length > 0 && value.kind !== 'table') rememberLayout(bytes, length, value);
  return value;
}

interface DecodeTemplate extends StreamLayout {
  readonly kind: 'matrix' | 'bytes';
  readonly rows: number;
  readonly cols: number;
  readonly count: number;
}

const encodeTemplates = new TemplateCache<string, { bytes: Uint8Array; valuesOffset: number }>();
const decodeTemplates = new TemplateCache<string, DecodeTemplate>();

function encodeFromTemplate(kind: 'matrix' | 'bytes', shape: string, data: Float64Array | Uint8Array, slow: () => Uint8Array): Uint8Array {
  const key = `${kind}:${shape}:${data.length}`;
  const template = encodeTemplates.get(key);
  if (template) {
    const out = template.bytes.slice();
    out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), template.valuesOffset);
    return out;
  }
  const encoded = slow();
  const decoded = decodeSlow(encoded);
  if (decoded.kind !== 'table' && decoded.data.buffer === encoded.buffer) {
    encodeTemplates.set(key, { bytes: encoded.slice(), valuesOffset: decoded.data.byteOffset - encoded.byteOffset });
    rememberLayout(encoded, headerLength(encoded), decoded);
  }
  return encoded;
}

function rememberLayout(bytes: Uint8Array, length: number, value: Exclude<Value, { kind: 'table' }>): void {
  // Only values that view the input directly have a fixed place in the stream.
  if (length <= 0 || value.data.buffer !== bytes.buffer) return;
  decodeTemplates.set(headerKey(bytes, length), {
    kind: value.kind,
    rows: value.kind === 'matrix' ? value.rows : 0,
    cols: value.kind === 'matrix' ? value.cols : 0,
    count: value.data.length,
    valuesOffset: value.data.byteOffset - bytes.byteOffset,
    streamBytes: bytes.byteLength,
  });
}

function decodeSlow(bytes: Uint8Array): Value {
  const table = tableFromIPC(alignedForArrow(bytes));
  const kind = table.schema.metadata.get(KIND);
  if (kind === 'matrix') {
    const rows = Number(table.schema.metadata.get('wukong.rows'));
    const cols = Number(table.schema.metadata.get('wukong.cols'));
    const data = singleColumn(table, 'values') as Float64Array;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || data.length !== rows * cols) {
      throw new Error(`corrupt matrix stream: ${rows}x${cols} declared, ${data.length} values`);
    }
    return { kind: 'matrix', rows, cols, data };
  }
  if (kind === 'bytes') return { kind: 'bytes', data: singleColumn(table, 'bytes') as Uint8Array };
  return { kind: 'table', table };
}

/** Payload bytes of a value, for size thresholds (no encoding needed). */
export function valueByteSize(value: Value): number {
  switch (value.kind) {
    case 'matrix':
    case 'bytes':
      return value.data.byteLength;
    case 'table':
      return value.table.batches.reduce((sum, batch) => sum + batchBytes(batch), 0);
  }
}

function batchBytes(batch: RecordBatch): number {
  let total = 0;
  for (const child of batch.data.children) total += child.byteLength;
  return total;
}

function columnStream(name: string, type: DataType, values: Float64Array | Uint8Array, metadata: Record<string, string>): Uint8Array {
  const field = new Field(name, type, false);
  const schema = new Schema([field], new Map(Object.entries(metadata)));
  const child = makeData({ type, length: values.length, nullCount: 0, data: values } as never);
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: values.length, nullCount: 0, children: [child] }));
  return tableToIPC(new Table([batch]), 'stream');
}

/** The column's values as one typed array, viewing the IPC buffer when it is a single chunk. */
function singleColumn(table: Table, name: string): Float64Array | Uint8Array {
  const column = table.getChild(name) as Vector | null;
  if (!column) throw new Error(`corrupt stream: no column "${name}"`);
  // `.values` spans the padded buffer (a multiple of 8 bytes): trim it to the column's length.
  if (column.data.length === 1) return (column.data[0]?.values as Float64Array | Uint8Array).subarray(0, column.length);
  return column.toArray() as Float64Array | Uint8Array; // several batches: one explicit concatenation
}

/**
 * Arrow views Float64 data in place only when the stream starts 8-byte aligned; bytes sliced at an
 * odd offset are copied once, here, into a fresh (aligned) buffer.
 */
export function alignedForArrow(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
}
