/**
 * A fast path for the single-column streams this project writes most (matrix blocks and bytes).
 * apache-arrow's IPC writer and reader cost hundreds of microseconds per stream whatever its size,
 * which dominates tiny intermediates. For one non-nullable fixed-width column, every stream of the
 * same kind and shape has the same bytes apart from the values, so:
 * - encode: Arrow writes the first stream of a shape; later ones are that stream's bytes around
 *   (prefix, suffix) the new values;
 * - decode: the header (schema and record batch messages, whose lengths sit at fixed places) is
 *   looked up by its exact bytes; a known header gives the values' offset, so the array is a view.
 * Output is byte-for-byte what Arrow writes, and anything unrecognized takes Arrow's own path.
 * Encode templates come only from streams this codec wrote; decode templates also from streams
 * it read, as long as Arrow's decoded values viewed the stream (so their offset is known).
 */
import type { BytesValue, MatrixBlock } from './value.js';

export type ColumnValue = MatrixBlock | BytesValue;

/** Bounded so that a workload of many distinct shapes cannot grow the caches without limit. */
const MAX_TEMPLATES = 256;
/** IPC streams start with the continuation marker 0xFFFFFFFF, then the metadata length. */
const CONTINUATION = 0xffffffff;
/** The end-of-stream marker: continuation, then a zero metadata length. */
const EOS_BYTES = 8;

interface EncodeTemplate {
  /** Stream bytes before the values: schema message, record batch message, leading padding. */
  readonly prefix: Uint8Array;
  /** Stream bytes after the values: padding and the end-of-stream marker. */
  readonly suffix: Uint8Array;
}

interface DecodeTemplate {
  readonly kind: ColumnValue['kind'];
  readonly rows: number;
  readonly cols: number;
  /** Number of elements in the values column. */
  readonly count: number;
  /** Where the values start, from the start of the stream. */
  readonly valuesOffset: number;
  readonly streamBytes: number;
}

class BoundedCache<Key, Entry> {
  private readonly entries = new Map<Key, Entry>();

  get(key: Key): Entry | undefined {
    return this.entries.get(key);
  }

  set(key: Key, entry: Entry): void {
    if (!this.entries.has(key) && this.entries.size >= MAX_TEMPLATES) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }
}

const encodeTemplates = new BoundedCache<string, EncodeTemplate>();
const decodeTemplates = new BoundedCache<string, DecodeTemplate>();

function shapeKey(value: ColumnValue): string {
  return value.kind === 'matrix' ? `matrix:${value.rows}x${value.cols}` : `bytes:${value.data.length}`;
}

function valueBytes(value: ColumnValue): Uint8Array {
  return new Uint8Array(value.data.buffer, value.data.byteOffset, value.data.byteLength);
}

/** The stream for `value` from a learned template, or undefined when its shape is new. */
export function encodeFromTemplate(value: ColumnValue): Uint8Array | undefined {
  const template = encodeTemplates.get(shapeKey(value));
  if (!template) return undefined;
  const payload = valueBytes(value);
  // Every byte is written below (prefix, values, suffix cover the stream), so skip zero-filling;
  // allocUnsafeSlow gives a buffer of its own (offset 0, hence aligned), never Node's shared pool.
  const length = template.prefix.byteLength + payload.byteLength + template.suffix.byteLength;
  const out = new Uint8Array(Buffer.allocUnsafeSlow(length).buffer, 0, length);
  out.set(template.prefix, 0);
  out.set(payload, template.prefix.byteLength);
  out.set(template.suffix, template.prefix.byteLength + payload.byteLength);
  return out;
}

/** The value of a stream whose header was learned before, as a view of `bytes`; else undefined. */
export function decodeFromTemplate(bytes: Uint8Array): ColumnValue | undefined {
  const length = headerLength(bytes);
  if (length < 0) return undefined;
  const known = decodeTemplates.get(headerKey(bytes, length));
  if (!known || known.streamBytes !== bytes.byteLength || !endsWithEos(bytes)) return undefined;
  const start = bytes.byteOffset + known.valuesOffset;
  if (known.kind === 'bytes') return { kind: 'bytes', data: new Uint8Array(bytes.buffer, start, known.count) };
  // An unaligned Float64 view is impossible; the caller's slow path copies once instead.
  if (start % Float64Array.BYTES_PER_ELEMENT !== 0) return undefined;
  return { kind: 'matrix', rows: known.rows, cols: known.cols, data: new Float64Array(bytes.buffer, start, known.count) };
}

/**
 * Remembers the layout of a stream this codec wrote with Arrow, given the value Arrow reads back
 * from it: later values of the same shape are encoded from it, and its header is known on decode.
 */
export function learnWrittenLayout(stream: Uint8Array, decoded: ColumnValue): void {
  const layout = plainLayout(stream, decoded);
  if (!layout) return;
  decodeTemplates.set(layout.headerKey, layout.template);
  encodeTemplates.set(shapeKey(decoded), {
    prefix: stream.slice(0, layout.template.valuesOffset),
    suffix: stream.slice(layout.template.valuesOffset + decoded.data.byteLength),
  });
}

/**
 * Remembers the header of a stream read with Arrow (possibly written elsewhere), for decoding
 * only: a foreign stream may carry more than the values (other columns, metadata), which must not
 * end up in streams this codec writes.
 */
export function learnReadLayout(stream: Uint8Array, decoded: ColumnValue): void {
  const layout = plainLayout(stream, decoded);
  if (layout) decodeTemplates.set(layout.headerKey, layout.template);
}

/**
 * The layout of a stream of the plain form (header, values, padding to 8 bytes, end-of-stream
 * marker) whose values Arrow decoded as a view of it; undefined for any other stream.
 */
function plainLayout(stream: Uint8Array, decoded: ColumnValue): { headerKey: string; template: DecodeTemplate } | undefined {
  const length = headerLength(stream);
  if (length < 0) return undefined;
  // An empty column has no body: Arrow hands back a fresh empty array, and the values sit (with
  // no bytes) right after the header. Otherwise the decoded array must view the stream.
  const empty = decoded.data.byteLength === 0;
  if (!empty && decoded.data.buffer !== stream.buffer) return undefined;
  const valuesOffset = empty ? length : decoded.data.byteOffset - stream.byteOffset;
  const valuesEnd = valuesOffset + decoded.data.byteLength;
  if (valuesOffset < length || alignTo8(valuesEnd) + EOS_BYTES !== stream.byteLength || !endsWithEos(stream)) return undefined;
  return {
    headerKey: headerKey(stream, length),
    template: {
      kind: decoded.kind,
      rows: decoded.kind === 'matrix' ? decoded.rows : 0,
      cols: decoded.kind === 'matrix' ? decoded.cols : 0,
      count: decoded.data.length,
      valuesOffset,
      streamBytes: stream.byteLength,
    },
  };
}

function alignTo8(offset: number): number {
  return Math.ceil(offset / 8) * 8;
}

function endsWithEos(bytes: Uint8Array): boolean {
  if (bytes.byteLength < EOS_BYTES) return false;
  const view = new DataView(bytes.buffer, bytes.byteOffset + bytes.byteLength - EOS_BYTES, EOS_BYTES);
  return view.getUint32(0, true) === CONTINUATION && view.getUint32(4, true) === 0;
}

/** Byte length of the two leading IPC messages (schema + record batch), or -1 if not that form. */
function headerLength(bytes: Uint8Array): number {
  if (bytes.byteLength < 16) return -1;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== CONTINUATION) return -1;
  const schemaLength = view.getInt32(4, true);
  if (schemaLength <= 0) return -1;
  const schemaEnd = 8 + schemaLength;
  if (schemaEnd + 8 > bytes.byteLength || view.getUint32(schemaEnd, true) !== CONTINUATION) return -1;
  const batchLength = view.getInt32(schemaEnd + 4, true);
  if (batchLength <= 0) return -1;
  const batchEnd = schemaEnd + 8 + batchLength;
  return batchEnd <= bytes.byteLength ? batchEnd : -1;
}

/** A string key of the header bytes (latin1 keeps one char per byte). */
function headerKey(bytes: Uint8Array, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, length).toString('latin1');
}
