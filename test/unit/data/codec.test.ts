import {
  Field,
  Float64,
  makeData,
  RecordBatch,
  Schema,
  Struct,
  Table,
  tableFromArrays,
  tableFromIPC,
  tableToIPC,
  Int32,
  Uint8,
  vectorFromArray,
  Utf8,
  Bool,
  type DataType,
} from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignedForArrow, decodeValue, encodeValue, valueByteSize } from '../../../src/data/codec.js';
import { InvalidValueStreamError } from '../../../src/data/invalid-value-stream-error.js';
import { bytes, matrix, type MatrixBlock, type Value } from '../../../src/data/value.js';

function seededMatrix(rows: number, cols: number, seed: number): MatrixBlock {
  return matrix(rows, cols, Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(seed * 7919 + i) * 1e3));
}

function asMatrix(value: Value): MatrixBlock {
  if (value.kind !== 'matrix') throw new Error(`expected a matrix, got ${value.kind}`);
  return value;
}

/** A stream written by Arrow directly, with whatever metadata and batches a test needs. */
function handWrittenStream(name: string, type: Float64 | Uint8 | Int32, chunks: ArrayLike<number>[], metadata: Record<string, string>): Uint8Array {
  const schema = new Schema([new Field(name, type, false)], new Map(Object.entries(metadata)));
  const batches = chunks.map((chunk) => {
    const column = makeData({ type: type as DataType, length: chunk.length, nullCount: 0, data: Array.from(chunk) } as never);
    return new RecordBatch(schema, makeData({ type: new Struct(schema.fields), length: chunk.length, nullCount: 0, children: [column] }));
  });
  return tableToIPC(new Table(schema, batches), 'stream');
}

/** Bit-for-bit equality; much faster than toEqual on a million elements. */
function expectSameValues(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  const bytesOf = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  expect(bytesOf(actual).equals(bytesOf(expected))).toBe(true);
}

/** `inner`'s view lies entirely inside `outer`'s bytes. */
function viewsInside(inner: ArrayBufferView, outer: Uint8Array): boolean {
  return inner.buffer === outer.buffer && inner.byteOffset >= outer.byteOffset && inner.byteOffset + inner.byteLength <= outer.byteOffset + outer.byteLength;
}

describe('codec: matrix blocks', () => {
  it.each([
    [0, 0],
    [0, 5],
    [1, 1],
    [3, 7],
    [1000, 1000],
  ])('round-trips a %ix%i matrix', (rows, cols) => {
    // Prepare
    const value = seededMatrix(rows, cols, rows + cols);
    // Act
    const decoded = asMatrix(decodeValue(encodeValue(value)));
    // Assess
    expect(decoded.rows).toBe(rows);
    expect(decoded.cols).toBe(cols);
    expectSameValues(decoded.data, value.data);
  });

  it('round-trips any small shape, twice (Arrow path, then template path)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 0, max: 9 }), fc.integer(), (rows, cols, seed) => {
        for (const value of [seededMatrix(rows, cols, seed), seededMatrix(rows, cols, seed + 1)]) {
          const decoded = asMatrix(decodeValue(encodeValue(value)));
          expect([decoded.rows, decoded.cols]).toEqual([rows, cols]);
          expectSameValues(decoded.data, value.data);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('keeps NaN, infinities and -0 bit for bit', () => {
    const value = matrix(1, 5, Float64Array.of(Number.NaN, Infinity, -Infinity, -0, Number.MIN_VALUE));
    const decoded = asMatrix(decodeValue(encodeValue(value)));
    expect(Object.is(decoded.data[3], -0)).toBe(true);
    expect(new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, 40)).toEqual(new Uint8Array(value.data.buffer));
  });

  it('writes the documented schema: one non-nullable Float64 column "values" and the shape', () => {
    const table = tableFromIPC(encodeValue(seededMatrix(2, 3, 1)));
    expect(table.schema.fields.map((f) => [f.name, String(f.type), f.nullable])).toEqual([['values', 'Float64', false]]);
    expect(Object.fromEntries(table.schema.metadata)).toEqual({ 'wukong.kind': 'matrix', 'wukong.rows': '2', 'wukong.cols': '3' });
    expect(table.numRows).toBe(6);
  });

  it('rejects a matrix whose data does not match its shape before writing anything', () => {
    const bad: MatrixBlock = { kind: 'matrix', rows: 2, cols: 2, data: new Float64Array(3) };
    expect(() => encodeValue(bad)).toThrow(/2x2 needs 4 values, got 3/);
  });
});

describe('codec: zero-copy decode', () => {
  it('returns a Float64Array that views the input buffer, on the first and on later decodes of a shape', () => {
    // A shape no other test uses, so the first decode below takes Arrow's reader.
    for (const seed of [1, 2, 3]) {
      const input = encodeValue(seededMatrix(17, 13, seed));
      const decoded = asMatrix(decodeValue(input));
      expect(decoded.data.buffer).toBe(input.buffer);
      expect(viewsInside(decoded.data, input)).toBe(true);
      expectSameValues(decoded.data, seededMatrix(17, 13, seed).data);
    }
  });

  it('is a view for a stream read from Arrow (not this codec) into a larger buffer at an 8-byte offset', () => {
    const value = seededMatrix(11, 19, 5);
    const table = tableFromIPC(encodeValue(value)); // decoded by Arrow, re-encoded by Arrow's writer
    const stream = tableToIPC(table, 'stream');
    const frame = new Uint8Array(stream.byteLength + 64);
    frame.set(stream, 24);
    const input = frame.subarray(24, 24 + stream.byteLength);
    const decoded = asMatrix(decodeValue(input));
    expect(viewsInside(decoded.data, input)).toBe(true);
    expectSameValues(decoded.data, value.data);
  });

  it('returns bytes that view the input buffer', () => {
    const data = Uint8Array.from({ length: 4099 }, (_, i) => (i * 13) & 255);
    for (let round = 0; round < 2; round += 1) {
      const input = encodeValue(bytes(data));
      const decoded = decodeValue(input);
      expect(decoded.kind === 'bytes' && viewsInside(decoded.data, input)).toBe(true);
      expect(decoded.kind === 'bytes' && Buffer.from(decoded.data).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('copies an unaligned input exactly once and decodes the right values', () => {
    for (const [rows, cols] of [
      [23, 29],
      [23, 29], // again: the template path must also refuse an unaligned view
    ] as const) {
      // Prepare: the stream at byte offset 3 of a larger buffer.
      const value = seededMatrix(rows, cols, 9);
      const encoded = encodeValue(value);
      const frame = new Uint8Array(encoded.byteLength + 3);
      frame.set(encoded, 3);
      const input = frame.subarray(3);
      // Act
      const decoded = asMatrix(decodeValue(input));
      // Assess: right values, in a buffer of its own (the one copy made by alignedForArrow).
      expectSameValues(decoded.data, value.data);
      expect(decoded.data.buffer).not.toBe(input.buffer);
      expect(decoded.data.byteOffset % 8).toBe(0);
      expect(decoded.data.buffer.byteLength).toBe(encoded.byteLength); // the copy is the stream, once
    }
  });

  it('alignedForArrow passes aligned bytes through and copies unaligned ones', () => {
    const frame = new Uint8Array(64).map((_, i) => i);
    const aligned = frame.subarray(8, 40);
    expect(alignedForArrow(aligned)).toBe(aligned);
    const odd = frame.subarray(3, 40);
    const copy = alignedForArrow(odd);
    expect(copy.buffer).not.toBe(frame.buffer);
    expect(copy.byteOffset).toBe(0);
    expect(copy).toEqual(odd);
  });
});

describe('codec: bytes', () => {
  it.each([0, 1, 7, 8, 9, 65_537])('round-trips %i bytes', (length) => {
    const data = Uint8Array.from({ length }, (_, i) => (i * 31 + 7) & 255);
    for (let round = 0; round < 2; round += 1) {
      const decoded = decodeValue(encodeValue(bytes(data)));
      expect(decoded.kind).toBe('bytes');
      expect(decoded.kind === 'bytes' && Buffer.from(decoded.data).equals(Buffer.from(data))).toBe(true);
    }
  });

  it('encodes a view into a larger buffer by its own bytes only', () => {
    const frame = Uint8Array.from({ length: 100 }, (_, i) => i);
    const decoded = decodeValue(encodeValue(bytes(frame.subarray(10, 20))));
    expect(decoded.kind === 'bytes' && Array.from(decoded.data)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  });
});

describe('codec: tables', () => {
  it('passes a table of several column types through unchanged', () => {
    // Prepare
    const table = new Table({
      id: vectorFromArray([1, 2, 3, 4], new Int32()),
      score: vectorFromArray([0.5, null, -2.25, 1e300], new Float64()),
      name: vectorFromArray(['a', 'béta', null, ''], new Utf8()),
      ok: vectorFromArray([true, false, null, true], new Bool()),
    });
    // Act
    const decoded = decodeValue(encodeValue({ kind: 'table', table }));
    // Assess
    expect(decoded.kind).toBe('table');
    if (decoded.kind !== 'table') return;
    expect(decoded.table.schema.fields.map((f) => `${f.name}:${String(f.type)}`)).toEqual(['id:Int32', 'score:Float64', 'name:Utf8', 'ok:Bool']);
    expect(decoded.table.toArray().map((row) => row.toJSON())).toEqual(table.toArray().map((row) => row.toJSON()));
  });

  it('reads wukong.kind=table as a table', () => {
    const table = tableFromArrays({ x: Int32Array.of(1, 2) });
    table.schema.metadata.set('wukong.kind', 'table');
    const decoded = decodeValue(tableToIPC(table, 'stream'));
    expect(decoded.kind === 'table' && Array.from(decoded.table.getChild('x')!.toArray() as Int32Array)).toEqual([1, 2]);
  });

  it('decodes a multi-batch table (large tables are written in several record batches)', () => {
    const batches = [0, 1, 2].map((b) => new RecordBatch({ x: makeData({ type: new Float64(), data: Float64Array.from({ length: 100_000 }, (_, i) => b * 100_000 + i) }) }));
    const table = new Table(batches);
    const decoded = decodeValue(encodeValue({ kind: 'table', table }));
    expect(decoded.kind === 'table' && decoded.table.batches.length).toBe(3);
    const column = decoded.kind === 'table' ? (decoded.table.getChild('x')!.toArray() as Float64Array) : new Float64Array();
    expect(column.length).toBe(300_000);
    expect(column[0]).toBe(0);
    expect(column[299_999]).toBe(299_999);
    expect(column.every((v, i) => v === i)).toBe(true);
  });

  it('decodes a matrix stream split into several batches, concatenated in order', () => {
    const stream = handWrittenStream('values', new Float64(), [[1, 2, 3], [4, 5], [6]], { 'wukong.kind': 'matrix', 'wukong.rows': '2', 'wukong.cols': '3' });
    const decoded = asMatrix(decodeValue(stream));
    expect([decoded.rows, decoded.cols]).toEqual([2, 3]);
    expect(Array.from(decoded.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('decodes a bytes stream split into several batches', () => {
    const stream = handWrittenStream('bytes', new Uint8(), [[1, 2], [3]], { 'wukong.kind': 'bytes' });
    const decoded = decodeValue(stream);
    expect(decoded.kind === 'bytes' && Array.from(decoded.data)).toEqual([1, 2, 3]);
  });
});

describe('codec: bad streams', () => {
  it('rejects a matrix stream whose length is not rows x cols, naming both', () => {
    const stream = handWrittenStream('values', new Float64(), [[1, 2, 3, 4, 5]], { 'wukong.kind': 'matrix', 'wukong.rows': '2', 'wukong.cols': '3' });
    expect(() => decodeValue(stream)).toThrow(InvalidValueStreamError);
    expect(() => decodeValue(stream)).toThrow(/2x3 declared \(6 values\), column "values" has 5/);
  });

  it.each([
    ['a missing wukong.rows', { 'wukong.kind': 'matrix', 'wukong.cols': '1' }, /wukong.rows is missing/],
    ['a non-integer wukong.cols', { 'wukong.kind': 'matrix', 'wukong.rows': '1', 'wukong.cols': '1.5' }, /wukong.cols is "1.5"/],
    ['an unknown wukong.kind', { 'wukong.kind': 'tensor' }, /unknown wukong.kind "tensor"/],
  ])('rejects %s', (_what, metadata, message) => {
    const stream = handWrittenStream('values', new Float64(), [[1]], metadata);
    expect(() => decodeValue(stream)).toThrow(message);
  });

  it('rejects a matrix stream without a Float64 "values" column', () => {
    const wrongName = handWrittenStream('v', new Float64(), [[1]], { 'wukong.kind': 'matrix', 'wukong.rows': '1', 'wukong.cols': '1' });
    expect(() => decodeValue(wrongName)).toThrow(/no column "values"/);
    const wrongType = handWrittenStream('values', new Int32(), [[1]], { 'wukong.kind': 'matrix', 'wukong.rows': '1', 'wukong.cols': '1' });
    expect(() => decodeValue(wrongType)).toThrow(/column "values" is Int32, expected Float64/);
  });

  it('rejects bytes that are not an Arrow stream', () => {
    expect(() => decodeValue(Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17))).toThrow(InvalidValueStreamError);
  });
});

describe('valueByteSize', () => {
  it('is the payload size of matrices and bytes', () => {
    expect(valueByteSize(matrix(10, 20))).toBe(1600);
    expect(valueByteSize(bytes(new Uint8Array(123)))).toBe(123);
    expect(valueByteSize(bytes(new Uint8Array(0)))).toBe(0);
  });

  it('is at least the data size of a table and close to its encoded size', () => {
    const table = tableFromArrays({ a: new Float64Array(1000), b: new Int32Array(1000) });
    const size = valueByteSize({ kind: 'table', table });
    expect(size).toBeGreaterThanOrEqual(12_000);
    expect(size).toBeLessThanOrEqual(encodeValue({ kind: 'table', table }).byteLength);
  });
});
