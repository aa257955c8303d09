import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MatrixBlock } from '../../../src/data/value.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { qr, svd, vstack } from '../../../src/ops/matrix/kernels/index.js';
import { asMatrix, at, expectMatrixClose, fromFunction, referenceProduct, referenceTranspose, testMatrix } from './matrix-assertions.js';

const identity = (n: number): MatrixBlock => fromFunction(n, n, (i, j) => (i === j ? 1 : 0));

function expectOrthonormalColumns(q: MatrixBlock): void {
  expectMatrixClose(referenceProduct(referenceTranspose(q), q), identity(q.cols));
}

/** A orthogonal n x n matrix from a product of Givens rotations, built without the kernels under test. */
function orthogonal(n: number, seed: number): MatrixBlock {
  let q = identity(n);
  const angles = testMatrix(n, n, seed);
  for (let p = 0; p < n; p += 1) {
    for (let r = p + 1; r < n; r += 1) {
      const theta = Math.PI * at(angles, p, r);
      const g = fromFunction(n, n, (i, j) => {
        if ((i === p && j === p) || (i === r && j === r)) return Math.cos(theta);
        if (i === p && j === r) return -Math.sin(theta);
        if (i === r && j === p) return Math.sin(theta);
        return i === j ? 1 : 0;
      });
      q = referenceProduct(q, g);
    }
  }
  return q;
}

function diagonal(values: readonly number[], rows: number, cols: number): MatrixBlock {
  return fromFunction(rows, cols, (i, j) => (i === j ? values[i] ?? 0 : 0));
}

describe('matrix.qr (Householder)', () => {
  it.each([
    [1, 1],
    [5, 5],
    [37, 11],
    [64, 64],
    [100, 3],
  ])('%ix%i: Q R = A, QᵀQ = I, R upper triangular with a non-negative diagonal', (m, n) => {
    const a = testMatrix(m, n, m * 31 + n);
    const { q, r } = qr(a);
    expect([q.rows, q.cols, r.rows, r.cols]).toEqual([m, n, n, n]);
    expectMatrixClose(referenceProduct(q, r), a);
    expectOrthonormalColumns(q);
    for (let i = 0; i < n; i += 1) {
      expect(at(r, i, i)).toBeGreaterThanOrEqual(0);
      for (let j = 0; j < i; j += 1) expect(at(r, i, j)).toBe(0);
    }
  });

  it('is unique: a TSQR-style tree (QR of stacked Rs) gives the same R as a direct QR', () => {
    const top = testMatrix(20, 6, 1);
    const bottom = testMatrix(15, 6, 2);
    const direct = qr(vstack([top, bottom]));
    const tree = qr(vstack([qr(top).r, qr(bottom).r]));
    expectMatrixClose(tree.r, direct.r);
  });

  it('handles a zero column (rank deficient) and keeps Q R = A', () => {
    const a = fromFunction(6, 3, (i, j) => (j === 1 ? 0 : i + 2 * j + 1));
    const { q, r } = qr(a);
    expectMatrixClose(referenceProduct(q, r), a);
  });

  it('blocked: several 16-column panels, the last one partial, with a zero column inside the second', () => {
    const a = fromFunction(70, 40, (i, j) => (j === 20 ? 0 : Math.sin(i * 1.3 + j * 0.7) + (i === j ? 2 : 0)));
    const { q, r } = qr(a);
    expectMatrixClose(referenceProduct(q, r), a);
    expectOrthonormalColumns(q);
    expect(at(r, 20, 20)).toBe(0);
  });

  it('satisfies Q R = A and QᵀQ = I on random shapes (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 15 }), fc.integer({ min: 0, max: 15 }), fc.integer(), (n, extraRows, seed) => {
        const a = testMatrix(n + extraRows, n, seed);
        const { q, r } = qr(a);
        expectMatrixClose(referenceProduct(q, r), a);
        expectOrthonormalColumns(q);
      }),
      { numRuns: 100 },
    );
  });

  it('the op returns [Q, R] and rejects a wide input, naming its shape', async () => {
    const op = createBuiltinRegistry().get('matrix.qr');
    const a = testMatrix(8, 3, 5);
    const [q, r] = await op.run([a], {});
    expectMatrixClose(referenceProduct(asMatrix(q), asMatrix(r)), a);
    await expect(async () => op.run([testMatrix(2, 3, 1)], {})).rejects.toThrow('matrix.qr: needs rows >= cols, got a 2x3 matrix');
  });
});

describe('matrix.svd (one-sided Jacobi)', () => {
  function checkSvd(a: MatrixBlock): { u: MatrixBlock; s: MatrixBlock; vt: MatrixBlock } {
    const { u, s, vt } = svd(a);
    const k = Math.min(a.rows, a.cols);
    expect([u.rows, u.cols, s.rows, s.cols, vt.rows, vt.cols]).toEqual([a.rows, k, 1, k, k, a.cols]);
    expectMatrixClose(referenceProduct(referenceProduct(u, diagonal(Array.from(s.data), k, k)), vt), a);
    expectOrthonormalColumns(u);
    expectOrthonormalColumns(referenceTranspose(vt));
    for (let i = 1; i < k; i += 1) expect(s.data[i]!).toBeLessThanOrEqual(s.data[i - 1]!);
    expect(s.data[k - 1]!).toBeGreaterThanOrEqual(0);
    // Sign rule: each column of U has its largest-magnitude entry positive.
    for (let j = 0; j < k; j += 1) {
      const column = Array.from({ length: u.rows }, (_, i) => at(u, i, j));
      const pivot = column.reduce((best, x, i) => (Math.abs(x) > Math.abs(column[best]!) ? i : best), 0);
      expect(column[pivot]!).toBeGreaterThan(0);
    }
    return { u, s, vt };
  }

  it.each([
    [1, 1],
    [6, 6],
    [30, 8],
    [8, 30],
    [45, 45],
  ])('%ix%i: U diag(S) Vt = A with orthonormal factors and descending S', (m, n) => {
    checkSvd(testMatrix(m, n, m * 13 + n));
  });

  it('recovers the known spectrum of U0 diag(s) V0ᵀ', () => {
    const spectrum = [9, 4.5, 2, 1, 0.25, 1e-3];
    const u0 = orthogonal(10, 3);
    const v0 = orthogonal(6, 4);
    const a = referenceProduct(referenceProduct(u0, diagonal(spectrum, 10, 6)), referenceTranspose(v0));
    const { s } = checkSvd(a);
    spectrum.forEach((sigma, i) => expect(Math.abs(s.data[i]! - sigma) / sigma).toBeLessThan(1e-9));
    // The wide transpose has the same singular values.
    const wide = checkSvd(referenceTranspose(a));
    expectMatrixClose(wide.s, s);
  });

  it('handles rank deficiency: zero singular values with a completed orthonormal U', () => {
    const x = testMatrix(7, 1, 2);
    const y = testMatrix(1, 5, 3);
    const rankOne = referenceProduct(x, y);
    const { s } = checkSvd(rankOne);
    expect(s.data[0]!).toBeGreaterThan(0.1);
    for (let i = 1; i < 5; i += 1) expect(s.data[i]!).toBeLessThan(1e-12);
    checkSvd(fromFunction(4, 3, () => 0));
  });

  it('is deterministic: the same block gives bit-identical factors', () => {
    const a = testMatrix(12, 9, 77);
    const first = svd(a);
    const second = svd(testMatrix(12, 9, 77));
    expect(second.u.data).toEqual(first.u.data);
    expect(second.s.data).toEqual(first.s.data);
    expect(second.vt.data).toEqual(first.vt.data);
  });

  it('the op returns [U, S, Vt]', async () => {
    const op = createBuiltinRegistry().get('matrix.svd');
    const outputs = await op.run([testMatrix(5, 3, 1)], {});
    expect(outputs.map((v) => { const m = asMatrix(v); return `${m.rows}x${m.cols}`; })).toEqual(['5x3', '1x3', '3x3']);
  });
});
