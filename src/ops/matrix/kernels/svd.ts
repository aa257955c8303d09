import { matrix, type MatrixBlock } from '../../../data/value.js';
import { transpose } from './layout.js';

/** A = U diag(S) Vt with k = min(m, n): U is m x k, S a 1 x k row (descending), Vt is k x n. */
export interface SvdFactors {
  readonly u: MatrixBlock;
  readonly s: MatrixBlock;
  readonly vt: MatrixBlock;
}

/** Two columns count as orthogonal once |cos| of their angle is below this (a few ulps). */
const ORTHOGONALITY_TOLERANCE = 1e-15;
/** One-sided Jacobi converges quadratically; small blocks need well under 20 sweeps. */
const MAX_SWEEPS = 80;
/** Singular values below this fraction of the largest get a completed U column (see below). */
const RANK_TOLERANCE = 1e-13;

/**
 * SVD by one-sided Jacobi (Hestenes): rotate pairs of columns of A until all are mutually
 * orthogonal; their norms are then the singular values. Accurate to high relative precision, and
 * simple, but O(k^2 m) per sweep: meant for small blocks (up to a few hundred columns). Signs are
 * fixed so that each column of U has its largest-magnitude entry positive (the first one on exact
 * ties), making the result deterministic however the block was produced.
 */
export function svd(a: MatrixBlock): SvdFactors {
  if (a.rows >= a.cols) return withDeterministicSigns(svdTall(a));
  // A = (Aᵀ)ᵀ = (U' S Vt')ᵀ = Vt'ᵀ S U'ᵀ.
  const tall = svdTall(transpose(a));
  return withDeterministicSigns({ u: transpose(tall.vt), s: tall.s, vt: transpose(tall.u) });
}

/** SVD of an m x n block with m >= n. */
function svdTall(a: MatrixBlock): SvdFactors {
  const m = a.rows;
  const n = a.cols;
  // Columns of A are kept as rows of W (and columns of V as rows of Vt) so rotations run along
  // contiguous memory.
  const w = transpose(a).data;
  const vt = new Float64Array(n * n);
  for (let i = 0; i < n; i += 1) vt[i * n + i] = 1;

  for (let sweep = 0; sweep < MAX_SWEEPS; sweep += 1) {
    let rotated = false;
    for (let p = 0; p < n - 1; p += 1) {
      for (let q = p + 1; q < n; q += 1) {
        const alpha = dot(w, p * m, p * m, m);
        const beta = dot(w, q * m, q * m, m);
        const gamma = dot(w, p * m, q * m, m);
        if (gamma === 0 || Math.abs(gamma) <= ORTHOGONALITY_TOLERANCE * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        rotateRows(w, p * m, q * m, m, c, s);
        rotateRows(vt, p * n, q * n, n, c, s);
      }
    }
    if (!rotated) break;
  }

  const sigma = Array.from({ length: n }, (_, i) => Math.sqrt(dot(w, i * m, i * m, m)));
  const order = sigma.map((_, i) => i).sort((x, y) => sigma[y]! - sigma[x]! || x - y);
  const u = matrix(m, n);
  const s = matrix(1, n);
  const vtSorted = matrix(n, n);
  const largest = sigma[order[0]!] ?? 0;
  order.forEach((from, to) => {
    const value = sigma[from]!;
    s.data[to] = value;
    vtSorted.data.set(vt.subarray(from * n, (from + 1) * n), to * n);
    if (value > 0 && value > RANK_TOLERANCE * largest) {
      for (let r = 0; r < m; r += 1) u.data[r * n + to] = w[from * m + r]! / value;
    } else {
      completeColumn(u, to);
    }
  });
  return { u, s, vt: vtSorted };
}

function dot(x: Float64Array, offsetA: number, offsetB: number, length: number): number {
  let total = 0;
  for (let i = 0; i < length; i += 1) total += x[offsetA + i]! * x[offsetB + i]!;
  return total;
}

/** (row p, row q) <- (c p - s q, s p + c q). */
function rotateRows(x: Float64Array, p: number, q: number, length: number, c: number, s: number): void {
  for (let i = 0; i < length; i += 1) {
    const xp = x[p + i]!;
    const xq = x[q + i]!;
    x[p + i] = c * xp - s * xq;
    x[q + i] = s * xp + c * xq;
  }
}

/**
 * For a (numerically) zero singular value the rotated column carries no direction, so column `col`
 * of U becomes the first standard basis vector that stays clear of columns 0..col-1 after
 * Gram-Schmidt (twice, for orthogonality to working precision). Deterministic.
 */
function completeColumn(u: MatrixBlock, col: number): void {
  const m = u.rows;
  const k = u.cols;
  for (let basis = 0; basis < m; basis += 1) {
    const candidate = new Float64Array(m);
    candidate[basis] = 1;
    for (let pass = 0; pass < 2; pass += 1) {
      for (let j = 0; j < col; j += 1) {
        let projection = 0;
        for (let r = 0; r < m; r += 1) projection += u.data[r * k + j]! * candidate[r]!;
        for (let r = 0; r < m; r += 1) candidate[r] = candidate[r]! - projection * u.data[r * k + j]!;
      }
    }
    const norm = Math.sqrt(candidate.reduce((sum, x) => sum + x * x, 0));
    if (norm < 0.5) continue;
    for (let r = 0; r < m; r += 1) u.data[r * k + col] = candidate[r]! / norm;
    return;
  }
}

/** Flips each (U column, Vt row) pair so the U column's largest-magnitude entry is positive. */
function withDeterministicSigns(factors: SvdFactors): SvdFactors {
  const { u, vt } = factors;
  for (let col = 0; col < u.cols; col += 1) {
    let pivot = 0;
    for (let r = 1; r < u.rows; r += 1) {
      if (Math.abs(u.data[r * u.cols + col]!) > Math.abs(u.data[pivot * u.cols + col]!)) pivot = r;
    }
    if (u.data[pivot * u.cols + col]! >= 0) continue;
    for (let r = 0; r < u.rows; r += 1) u.data[r * u.cols + col] = -u.data[r * u.cols + col]!;
    for (let j = 0; j < vt.cols; j += 1) vt.data[col * vt.cols + j] = -vt.data[col * vt.cols + j]!;
  }
  return factors;
}
