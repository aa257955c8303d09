import { matrix, type MatrixBlock } from '../../../data/value.js';
import { OpInputError } from '../../op-input-error.js';
import { shapeOf } from '../../input-guards.js';

/** A thin QR factorization: q is m x n with orthonormal columns, r is n x n upper triangular. */
export interface QrFactors {
  readonly q: MatrixBlock;
  readonly r: MatrixBlock;
}

/** One Householder reflector H = I - tau v vᵀ acting on rows k..m-1; null when the column was zero. */
interface Reflector {
  readonly v: Float64Array;
  readonly tau: number;
}

/**
 * Thin Householder QR of an m x n block with m >= n. R's diagonal is made non-negative (row i of R
 * and column i of Q flipped together), which makes the factorization unique for full-rank input, so
 * TSQR's tree and a direct QR agree up to rounding. Row-major friendly: each reflector is applied as
 * w = vᵀX (accumulated row by row) followed by X -= tau v wᵀ, both along contiguous rows.
 */
export function qr(a: MatrixBlock): QrFactors {
  const m = a.rows;
  const n = a.cols;
  if (m < n) throw new OpInputError('matrix.qr', `needs rows >= cols, got a ${shapeOf(a)} matrix`);
  const work = Float64Array.from(a.data);
  const reflectors: (Reflector | null)[] = [];
  for (let k = 0; k < n; k += 1) {
    const reflector = householderFor(work, m, n, k);
    reflectors.push(reflector);
    if (reflector) applyReflector(reflector, work, m, n, k, k);
    for (let i = k + 1; i < m; i += 1) work[i * n + k] = 0;
  }

  const r = matrix(n, n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i; j < n; j += 1) r.data[i * n + j] = work[i * n + j]!;
  }
  // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of I, accumulated backwards so that
  // H_k only ever touches the trailing (m - k) x (n - k) corner.
  const q = matrix(m, n);
  for (let i = 0; i < n; i += 1) q.data[i * n + i] = 1;
  for (let k = n - 1; k >= 0; k -= 1) {
    const reflector = reflectors[k];
    if (reflector) applyReflector(reflector, q.data, m, n, k, k);
  }

  for (let i = 0; i < n; i += 1) {
    if (r.data[i * n + i]! >= 0) continue;
    for (let j = i; j < n; j += 1) r.data[i * n + j] = -r.data[i * n + j]!;
    for (let row = 0; row < m; row += 1) q.data[row * n + i] = -q.data[row * n + i]!;
  }
  return { q, r };
}

/** The reflector that zeroes column k of `work` below the diagonal (rows k+1..m-1). */
function householderFor(work: Float64Array, m: number, n: number, k: number): Reflector | null {
  // Scale by the largest entry so squaring neither overflows nor underflows.
  let maxAbs = 0;
  for (let i = k; i < m; i += 1) maxAbs = Math.max(maxAbs, Math.abs(work[i * n + k]!));
  if (maxAbs === 0) return null;
  const v = new Float64Array(m - k);
  let normSquared = 0;
  for (let i = k; i < m; i += 1) {
    const x = work[i * n + k]! / maxAbs;
    v[i - k] = x;
    normSquared += x * x;
  }
  const x0 = v[0]!;
  // alpha = -sign(x0) * |x|: subtracting it from x0 never cancels.
  const alpha = x0 >= 0 ? -Math.sqrt(normSquared) : Math.sqrt(normSquared);
  v[0] = x0 - alpha;
  const vNormSquared = normSquared - x0 * x0 + v[0]! * v[0]!;
  return { v, tau: 2 / vNormSquared };
}

/** X[k.., colStart..n) -= tau v (vᵀ X[k.., colStart..n)) for the row-major m x n array X. */
function applyReflector(reflector: Reflector, x: Float64Array, m: number, n: number, k: number, colStart: number): void {
  const { v, tau } = reflector;
  const w = new Float64Array(n - colStart);
  for (let i = k; i < m; i += 1) {
    const vi = v[i - k]!;
    if (vi === 0) continue;
    const row = i * n + colStart;
    for (let j = 0; j < w.length; j += 1) w[j] = w[j]! + vi * x[row + j]!;
  }
  for (let i = k; i < m; i += 1) {
    const factor = tau * v[i - k]!;
    if (factor === 0) continue;
    const row = i * n + colStart;
    for (let j = 0; j < w.length; j += 1) x[row + j] = x[row + j]! - factor * w[j]!;
  }
}
