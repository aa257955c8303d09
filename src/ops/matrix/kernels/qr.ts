import { matrix, type MatrixBlock } from '../../../data/value.js';
import { OpInputError } from '../../op-input-error.js';
import { shapeOf } from '../../input-guards.js';
import { gemmWasm } from './wasm/gemm-wasm.js';

/** A thin QR factorization: q is m x n with orthonormal columns, r is n x n upper triangular. */
export interface QrFactors {
  readonly q: MatrixBlock;
  readonly r: MatrixBlock;
}

/**
 * Columns per panel of the blocked factorization. Part of the result's definition (it fixes the
 * order of the floating-point operations), not only a speed knob.
 */
const PANEL_COLUMNS = 16;

/**
 * One panel's reflectors in compact WY form: H_first ... H_last = I - V T Vᵀ, with `v` holding Vᵀ
 * (width x (m - first), row-major: one Householder vector a row, zeros before its start) and T
 * width x width upper triangular.
 */
interface WyPanel {
  readonly first: number;
  readonly width: number;
  readonly v: Float64Array;
  readonly t: Float64Array;
}

/**
 * Thin blocked Householder QR (WY form) of an m x n block with m >= n. Each panel of PANEL_COLUMNS
 * columns is factored column by column; the reflectors are then gathered into I - V T Vᵀ and applied
 * to the trailing columns, and later to form Q, as two matrix products on the WebAssembly GEMM.
 * R's diagonal is made non-negative (row i of R and column i of Q flipped together), which makes
 * the factorization unique for full-rank input, so TSQR's tree and a direct QR agree up to rounding.
 */
export function qr(a: MatrixBlock): QrFactors {
  const m = a.rows;
  const n = a.cols;
  if (m < n) throw new OpInputError('matrix.qr', `needs rows >= cols, got a ${shapeOf(a)} matrix`);
  const work = Float64Array.from(a.data);
  const panels: WyPanel[] = [];
  for (let first = 0; first < n; first += PANEL_COLUMNS) {
    const panel = factorPanel(work, m, n, first, Math.min(PANEL_COLUMNS, n - first));
    panels.push(panel);
    // Trailing columns: X -= V Tᵀ (Vᵀ X), the transpose of the panel's reflectors applied in order.
    applyWy(panel, work, m, n, first + panel.width, true);
  }

  const r = matrix(n, n);
  for (let i = 0; i < n; i += 1) {
    for (let j = i; j < n; j += 1) r.data[i * n + j] = work[i * n + j]!;
  }
  // Q = (I - V0 T0 V0ᵀ)(I - V1 T1 V1ᵀ)... applied to the first n columns of I, accumulated backwards
  // so that panel p only ever touches the trailing (m - first) x (n - first) corner.
  const q = matrix(m, n);
  for (let i = 0; i < n; i += 1) q.data[i * n + i] = 1;
  for (let p = panels.length - 1; p >= 0; p -= 1) applyWy(panels[p]!, q.data, m, n, panels[p]!.first, false);

  for (let i = 0; i < n; i += 1) {
    if (r.data[i * n + i]! >= 0) continue;
    for (let j = i; j < n; j += 1) r.data[i * n + j] = -r.data[i * n + j]!;
    for (let row = 0; row < m; row += 1) q.data[row * n + i] = -q.data[row * n + i]!;
  }
  return { q, r };
}

/**
 * Factors columns first..first+width of `work` (unblocked within the panel) and builds its V and T.
 * The panel is copied out column-major so that each Householder vector and each column it is
 * applied to are contiguous (long, simple loops V8 compiles well), then R's part is written back.
 */
function factorPanel(work: Float64Array, m: number, n: number, first: number, width: number): WyPanel {
  const rows = m - first;
  const panel = new Float64Array(width * rows);
  for (let i = 0; i < rows; i += 1) {
    const row = (first + i) * n + first;
    for (let c = 0; c < width; c += 1) panel[c * rows + i] = work[row + c]!;
  }
  const v = new Float64Array(width * rows);
  const taus = new Float64Array(width);
  for (let c = 0; c < width; c += 1) {
    const tau = householderInto(panel, v, c * rows, c, rows);
    taus[c] = tau;
    if (tau === 0) continue;
    const vStart = c * rows;
    for (let j = c + 1; j < width; j += 1) {
      const col = j * rows;
      const factor = tau * dotFrom(v, vStart, panel, col, c, rows);
      for (let i = c; i < rows; i += 1) panel[col + i] = panel[col + i]! - factor * v[vStart + i]!;
    }
  }
  for (let i = 0; i < rows; i += 1) {
    const row = (first + i) * n + first;
    for (let c = 0; c < width; c += 1) work[row + c] = i <= c ? panel[c * rows + i]! : 0;
  }
  return { first, width, v, t: triangularFactor(v, rows, width, taus) };
}

/** x[xStart + from..xStart + to) . y[yStart + from..yStart + to), in four interleaved partial sums (no loop-carried add chain). */
function dotFrom(x: Float64Array, xStart: number, y: Float64Array, yStart: number, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = from;
  for (; i + 3 < to; i += 4) {
    s0 += x[xStart + i]! * y[yStart + i]!;
    s1 += x[xStart + i + 1]! * y[yStart + i + 1]!;
    s2 += x[xStart + i + 2]! * y[yStart + i + 2]!;
    s3 += x[xStart + i + 3]! * y[yStart + i + 3]!;
  }
  for (; i < to; i += 1) s0 += x[xStart + i]! * y[yStart + i]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * The reflector zeroing entries c+1.. of the panel column starting at `start`: its vector goes to
 * v[start + c..], the column becomes (.., beta, 0, ...); returns tau (0 for a zero column: H = I).
 */
function householderInto(panel: Float64Array, v: Float64Array, start: number, c: number, rows: number): number {
  // Scale by the largest entry so squaring neither overflows nor underflows.
  let maxAbs = 0;
  for (let i = c; i < rows; i += 1) maxAbs = Math.max(maxAbs, Math.abs(panel[start + i]!));
  if (maxAbs === 0) return 0;
  let normSquared = 0;
  for (let i = c; i < rows; i += 1) {
    const x = panel[start + i]! / maxAbs;
    v[start + i] = x;
    normSquared += x * x;
  }
  const x0 = v[start + c]!;
  // alpha = -sign(x0) * |x|: subtracting it from x0 never cancels. H x = alpha * maxAbs * e_c.
  const alpha = x0 >= 0 ? -Math.sqrt(normSquared) : Math.sqrt(normSquared);
  const v0 = x0 - alpha;
  v[start + c] = v0;
  panel[start + c] = alpha * maxAbs;
  panel.fill(0, start + c + 1, start + rows);
  return 2 / (normSquared - x0 * x0 + v0 * v0);
}

/** T of H_0 ... H_{w-1} = I - V T Vᵀ (forward recurrence): T[0:i, i] = -tau_i T[0:i, 0:i] (V[:, 0:i]ᵀ v_i). */
function triangularFactor(v: Float64Array, rows: number, width: number, taus: Float64Array): Float64Array {
  const t = new Float64Array(width * width);
  const gram = new Float64Array(width * width);
  // gram[p][i] = v_p . v_i for p < i; v_i is zero above row i.
  for (let i = 0; i < width; i += 1) {
    for (let p = 0; p < i; p += 1) {
      gram[p * width + i] = dotFrom(v, p * rows, v, i * rows, i, rows);
    }
  }
  for (let i = 0; i < width; i += 1) {
    const tau = taus[i]!;
    t[i * width + i] = tau;
    for (let p = 0; p < i; p += 1) {
      let sum = 0;
      for (let q = p; q < i; q += 1) sum += t[p * width + q]! * gram[q * width + i]!;
      t[p * width + i] = -tau * sum;
    }
  }
  return t;
}

/**
 * X[first.., colStart..n) -= V T' (Vᵀ X[first.., colStart..n)), T' = Tᵀ when `transposeT` (applies
 * H_last ... H_first, as the factorization does) and T otherwise (H_first ... H_last, forming Q).
 */
function applyWy(panel: WyPanel, x: Float64Array, m: number, n: number, colStart: number, transposeT: boolean): void {
  const { first, width, v, t } = panel;
  const rows = m - first;
  const cols = n - colStart;
  if (cols <= 0) return;
  const block = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i += 1) block.set(x.subarray((first + i) * n + colStart, (first + i) * n + n), i * cols);
  const vtx = new Float64Array(width * cols);
  gemmWasm(v, block, vtx, width, rows, cols);
  const tw = new Float64Array(width * cols);
  for (let i = 0; i < width; i += 1) {
    for (let p = 0; p < width; p += 1) {
      const tip = transposeT ? t[p * width + i]! : t[i * width + p]!;
      if (tip === 0) continue;
      for (let j = 0; j < cols; j += 1) tw[i * cols + j] = tw[i * cols + j]! + tip * vtx[p * cols + j]!;
    }
  }
  const update = new Float64Array(rows * cols);
  gemmWasm(v, tw, update, rows, width, cols, true);
  for (let i = 0; i < rows; i += 1) {
    const row = (first + i) * n + colStart;
    for (let j = 0; j < cols; j += 1) x[row + j] = x[row + j]! - update[i * cols + j]!;
  }
}
