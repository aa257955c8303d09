import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matrix } from '../../../src/data/value.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { matmul, matmulBlockedJs, matmulInto, matmulNaive } from '../../../src/ops/matrix/kernels/index.js';
import { OpInputError } from '../../../src/ops/op-input-error.js';
import { asMatrix, expectMatrixClose, referenceProduct, relativeError, testMatrix } from './matrix-assertions.js';

describe('matmul kernel', () => {
  // Odd shapes exercise every remainder path: rows / columns mod 4 (the WebAssembly kernel's zero
  // padding), k mod 4, k beyond one 256-deep panel and rows beyond one 64-row block.
  it.each([
    [37, 53, 29],
    [1, 1, 1],
    [3, 2, 5],
    [4, 4, 4],
    [6, 131, 9],
    [9, 260, 300],
    [130, 7, 257],
    [131, 300, 6],
  ])('m=%i k=%i n=%i: matches the naive triple loop', (m, inner, n) => {
    const a = testMatrix(m, inner, m * 7 + inner);
    const b = testMatrix(inner, n, n * 11 + 1);
    const expected = referenceProduct(a, b);
    expectMatrixClose(matmul(a, b), expected);
    expectMatrixClose(matmulNaive(a, b), expected);
    expectMatrixClose(matmulBlockedJs(a, b, matrix(m, n)), expected);
  });

  it('overwrites whatever out held before', () => {
    const a = testMatrix(5, 6, 1);
    const b = testMatrix(6, 7, 2);
    const out = matrix(5, 7, new Float64Array(35).fill(99));
    expect(matmulInto(a, b, out)).toBe(out);
    expectMatrixClose(out, referenceProduct(a, b));
  });

  it('rejects mismatched shapes, naming them, and an aliased output', () => {
    const a = testMatrix(3, 4, 1);
    expect(() => matmul(a, testMatrix(5, 6, 2))).toThrow(OpInputError);
    expect(() => matmul(a, testMatrix(5, 6, 2))).toThrow('matrix.matmul: inner dimensions differ: 3x4 * 5x6');
    expect(() => matmulInto(a, testMatrix(4, 2, 2), matrix(3, 3))).toThrow('output is 3x3, 3x4 * 4x2 needs 3x2');
    const square = testMatrix(3, 3, 3);
    expect(() => matmulInto(square, testMatrix(3, 3, 4), square)).toThrow(/alias/);
  });

  it('is associative within rounding (property)', () => {
    const dim = fc.integer({ min: 1, max: 12 });
    fc.assert(
      fc.property(dim, dim, dim, dim, fc.integer({ min: 1, max: 1e6 }), (m, k, l, n, seed) => {
        const a = testMatrix(m, k, seed);
        const b = testMatrix(k, l, seed + 1);
        const c = testMatrix(l, n, seed + 2);
        expect(relativeError(matmul(matmul(a, b), c), matmul(a, matmul(b, c)))).toBeLessThan(1e-12);
      }),
      { numRuns: 200 },
    );
  });

  it('the matrix.matmul op multiplies its two inputs in deps order', async () => {
    const op = createBuiltinRegistry().get('matrix.matmul');
    const a = testMatrix(2, 3, 5);
    const b = testMatrix(3, 2, 6);
    const [out] = await op.run([a, b], op.args.parse({}));
    expectMatrixClose(asMatrix(out), referenceProduct(a, b));
    await expect(async () => op.run([a, { kind: 'bytes', data: new Uint8Array(1) }], {})).rejects.toThrow(
      'matrix.matmul: input 1 must be a matrix, got a bytes value',
    );
  });
});
