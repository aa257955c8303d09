import { Field, Float64, makeData, RecordBatch, Schema, Struct, Table, tableFromIPC, tableToIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../../src/data/codec.js';
import { InvalidValueStreamError } from '../../../src/data/invalid-value-stream-error.js';
import { bytes, matrix, type MatrixBlock } from '../../../src/data/value.js';

/** What Arrow's own writer produces for a matrix, without the codec's templates. */
function arrowWritten(value: MatrixBlock): Uint8Array {
  const metadata = new Map([['wukong.kind', 'matrix'], ['wukong.rows', String(value.rows)], ['wukong.cols', String(value.cols)]]);
  const schema = new Schema([new Field('values', new Float64(), false)], metadata);
  const column = makeData({ type: new Float64(), length: value.data.length, nullCount: 0, data: value.data });
  const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: value.data.length, nullCount: 0, children: [column] }));
  return tableToIPC(new Table([batch]), 'stream');
}

describe('codec template fast path', () => {
  it('writes exactly the bytes of the first (Arrow-written) stream of the same shape, with the new values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer(), (rows, cols, seed) => {
        const a = matrix(rows, cols, Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(seed + i)));
        const b = matrix(rows, cols, Float64Array.from({ length: rows * cols }, (_, i) => Math.cos(seed * 3 + i)));
        const first = encodeValue(a); // Arrow's own writer: becomes the template
        const second = encodeValue(b); // the template path
        expect(second.byteLength).toBe(first.byteLength);
        expect(Buffer.from(second).equals(Buffer.from(arrowWritten(b)))).toBe(true);
        // Any Arrow reader sees the right values and shape.
        const table = tableFromIPC(second);
        expect(Float64Array.from(table.getChild('values')!.toArray() as Float64Array)).toEqual(b.data);
        expect(table.schema.metadata.get('wukong.rows')).toBe(String(rows));
        const decoded = decodeValue(second);
        expect(decoded).toMatchObject({ kind: 'matrix', rows, cols });
        expect(decoded.kind === 'matrix' && [...decoded.data]).toEqual([...b.data]);
      }),
      { numRuns: 100 },
    );
  });

  it('decodes a known header as a view of the input (no copy), and odd offsets by one copy', () => {
    const value = matrix(3, 4, Float64Array.from({ length: 12 }, (_, i) => i * 1.5));
    encodeValue(value);
    const encoded = encodeValue(value);
    const decoded = decodeValue(encoded);
    expect(decoded.kind === 'matrix' && decoded.data.buffer).toBe(encoded.buffer);
    const shifted = new Uint8Array(encoded.byteLength + 3);
    shifted.set(encoded, 3);
    const unaligned = shifted.subarray(3);
    const copied = decodeValue(unaligned);
    expect(copied.kind === 'matrix' && copied.data.buffer).not.toBe(unaligned.buffer);
    expect(copied.kind === 'matrix' && [...copied.data]).toEqual([...value.data]);
  });

  it('round-trips bytes of many lengths', () => {
    for (const n of [0, 1, 7, 8, 9, 1000, 65_537]) {
      for (let k = 0; k < 2; k += 1) {
        const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + k) & 255);
        const decoded = decodeValue(encodeValue(bytes(data)));
        expect(decoded.kind).toBe('bytes');
        expect(decoded.kind === 'bytes' && Buffer.from(decoded.data).equals(Buffer.from(data))).toBe(true);
      }
    }
  });

  it('does not trust a known header on a stream of another length (truncated)', () => {
    const value = matrix(6, 6, Float64Array.from({ length: 36 }, (_, i) => i));
    encodeValue(value);
    const encoded = encodeValue(value);
    decodeValue(encoded); // header known from here on
    const truncated = encoded.subarray(0, encoded.byteLength - 16);
    expect(() => decodeValue(truncated)).toThrow(InvalidValueStreamError);
  });

  it('never writes what a foreign stream of the same shape carried besides the values', () => {
    // Prepare: a two-column stream (another writer's) that reads as a 5x7 matrix.
    const metadata = new Map([['wukong.kind', 'matrix'], ['wukong.rows', '5'], ['wukong.cols', '7']]);
    const schema = new Schema([new Field('other', new Float64(), false), new Field('values', new Float64(), false)], metadata);
    const other = makeData({ type: new Float64(), length: 35, nullCount: 0, data: new Float64Array(35).fill(-1) });
    const values = makeData({ type: new Float64(), length: 35, nullCount: 0, data: Float64Array.from({ length: 35 }, (_, i) => i) });
    const batch = new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: 35, nullCount: 0, children: [other, values] }));
    const foreign = tableToIPC(new Table([batch]), 'stream');
    // Act: read it twice (the second read may use its learned header), then write a 5x7 matrix.
    const reads = [decodeValue(foreign), decodeValue(foreign)];
    const written = encodeValue(matrix(5, 7, new Float64Array(35).fill(2)));
    // Assess
    for (const read of reads) expect(read.kind === 'matrix' && Array.from(read.data)).toEqual(Array.from({ length: 35 }, (_, i) => i));
    const table = tableFromIPC(written);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['values']);
    expect(Array.from(table.getChild('values')!.toArray() as Float64Array)).toEqual(new Array(35).fill(2));
  });
});
