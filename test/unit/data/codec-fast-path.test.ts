import { tableFromIPC } from 'apache-arrow';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeValue, encodeValue } from '../../../src/data/codec.js';
import { bytes, matrix } from '../../../src/data/value.js';

describe('codec template fast path', () => {
  it('writes exactly the bytes of the first (Arrow-written) stream of the same shape, with the new values', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 1, max: 12 }), fc.integer(), (rows, cols, seed) => {
        const a = matrix(rows, cols, Float64Array.from({ length: rows * cols }, (_, i) => Math.sin(seed + i)));
        const b = matrix(rows, cols, Float64Array.from({ length: rows * cols }, (_, i) => Math.cos(seed * 3 + i)));
        const first = encodeValue(a); // Arrow's own writer: becomes the template
        const second = encodeValue(b); // the template path
        expect(second.byteLength).toBe(first.byteLength);
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
});
