import { matrix, type MatrixBlock } from '../../src/data/value.js';
import { identity, matmul, sub, transpose, vstack } from '../../src/ops/matrix/kernels/index.js';

/** The Frobenius norm sqrt(sum a_ij^2). */
export function frobeniusNorm(a: MatrixBlock): number {
  let total = 0;
  for (let i = 0; i < a.data.length; i += 1) total += a.data[i]! * a.data[i]!;
  return Math.sqrt(total);
}

/** The largest |a_ij|. */
export function maxAbs(a: MatrixBlock): number {
  let worst = 0;
  for (let i = 0; i < a.data.length; i += 1) worst = Math.max(worst, Math.abs(a.data[i]!));
  return worst;
}

/** ||a - b||_F / ||b||_F: how far a computed matrix is from the reference. */
export function relativeFrobeniusError(a: MatrixBlock, b: MatrixBlock): number {
  return frobeniusNorm(sub(a, b)) / frobeniusNorm(b);
}

/** max |QᵀQ - I|: zero when the columns of q are orthonormal. */
export function columnOrthogonalityError(q: MatrixBlock): number {
  return maxAbs(sub(matmul(transpose(q), q), identity(q.cols)));
}

/** max |VVᵀ - I|: zero when the rows of v are orthonormal. */
export function rowOrthogonalityError(v: MatrixBlock): number {
  return maxAbs(sub(matmul(v, transpose(v)), identity(v.rows)));
}

/** u · diag(s) · vt, where s is a 1 x k row. */
export function multiplySvd(u: MatrixBlock, s: MatrixBlock, vt: MatrixBlock): MatrixBlock {
  const scaled = matrix(u.rows, u.cols, Float64Array.from(u.data));
  for (let r = 0; r < u.rows; r += 1) {
    for (let c = 0; c < u.cols; c += 1) scaled.data[r * u.cols + c] = scaled.data[r * u.cols + c]! * s.data[c]!;
  }
  return matmul(scaled, vt);
}

/** The largest s_{i+1} - s_i over a row of singular values: zero or less when descending. */
export function largestIncrease(s: MatrixBlock): number {
  let worst = 0;
  for (let i = 1; i < s.data.length; i += 1) worst = Math.max(worst, s.data[i]! - s.data[i - 1]!);
  return worst;
}

/** Blocks stacked top to bottom (the verifier's view of a row-blocked matrix). */
export function stackRows(blocks: readonly MatrixBlock[]): MatrixBlock {
  return blocks.length === 1 ? blocks[0]! : vstack(blocks);
}

