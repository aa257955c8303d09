import { matrix, type MatrixBlock } from '../../../data/value.js';
import { OpInputError } from '../../op-input-error.js';
import { shapeOf } from '../../input-guards.js';
import { WASM_GEMM_MAX_BYTES, gemmWasm, wasmGemmBytes } from './wasm/gemm-wasm.js';

/**
 * Panel sizes for the blocked kernel: a K_PANEL x J_PANEL panel of B (128 x 256 doubles = 256 KiB)
 * stays in L2 while every row of A streams past it. Part of the result's definition: changing them
 * changes the summation order, hence the last bits of the output.
 */
const K_PANEL = 128;
const J_PANEL = 256;

function requireProductShapes(a: MatrixBlock, b: MatrixBlock, out?: MatrixBlock): void {
  if (a.cols !== b.rows) {
    throw new OpInputError('matrix.matmul', `inner dimensions differ: ${shapeOf(a)} * ${shapeOf(b)}`);
  }
  if (out && (out.rows !== a.rows || out.cols !== b.cols)) {
    throw new OpInputError('matrix.matmul', `output is ${shapeOf(out)}, ${shapeOf(a)} * ${shapeOf(b)} needs ${a.rows}x${b.cols}`);
  }
}

/**
 * out = a * b. Runs the WebAssembly SIMD kernel (wasm/gemm.wat, 4 x 4 register tiles over packed
 * operands; about 3-4x the JavaScript kernel below, figures in bench/matmul.ts and
 * docs/ARCHITECTURE.md) unless the operands would not fit its 32-bit memory, where it falls back
 * to matmulBlockedJs. `out` must not alias `a` or `b`.
 */
export function matmulInto(a: MatrixBlock, b: MatrixBlock, out: MatrixBlock): MatrixBlock {
  requireProductShapes(a, b, out);
  if (out.data === a.data || out.data === b.data) throw new OpInputError('matrix.matmul', 'output must not alias an input');
  if (wasmGemmBytes(a.rows, a.cols, b.cols) > WASM_GEMM_MAX_BYTES) return matmulBlockedJs(a, b, out);
  gemmWasm(a.data, b.data, out.data, a.rows, a.cols, b.cols);
  return out;
}

/**
 * out = a * b in plain JavaScript, in the cache-friendly i-k-j order: the innermost loop runs along contiguous rows of B
 * and of out. Register-blocked 4 x 4: four rows of out are updated from four rows of B at a time,
 * so each loaded B element feeds four multiply-adds and each out element is loaded and stored once
 * per four k (about 2x the plain i-k-j loop in V8; figures in bench/matmul.ts). Blocked over k and j
 * so that the panel of B being reused stays in cache. `out` must not alias `a` or `b`.
 */
export function matmulBlockedJs(a: MatrixBlock, b: MatrixBlock, out: MatrixBlock): MatrixBlock {
  requireProductShapes(a, b, out);
  if (out.data === a.data || out.data === b.data) throw new OpInputError('matrix.matmul', 'output must not alias an input');
  out.data.fill(0);
  for (let k0 = 0; k0 < a.cols; k0 += K_PANEL) {
    const kEnd = Math.min(k0 + K_PANEL, a.cols);
    for (let j0 = 0; j0 < b.cols; j0 += J_PANEL) {
      const jEnd = Math.min(j0 + J_PANEL, b.cols);
      let i = 0;
      for (; i + 3 < a.rows; i += 4) addFourRowsPanel(a, b, out, i, k0, kEnd, j0, jEnd);
      for (; i < a.rows; i += 1) addOneRowPanel(a, b, out, i, k0, kEnd, j0, jEnd);
    }
  }
  return out;
}

/** out[i..i+4, j0..jEnd) += a[i..i+4, k0..kEnd) * b[k0..kEnd, j0..jEnd). */
function addFourRowsPanel(a: MatrixBlock, b: MatrixBlock, out: MatrixBlock, i: number, k0: number, kEnd: number, j0: number, jEnd: number): void {
  const A = a.data;
  const B = b.data;
  const C = out.data;
  const inner = a.cols;
  const n = b.cols;
  const r0 = i * inner;
  const r1 = r0 + inner;
  const r2 = r1 + inner;
  const r3 = r2 + inner;
  const c0 = i * n;
  const c1 = c0 + n;
  const c2 = c1 + n;
  const c3 = c2 + n;
  let k = k0;
  for (; k + 3 < kEnd; k += 4) {
    const a00 = A[r0 + k]!, a01 = A[r0 + k + 1]!, a02 = A[r0 + k + 2]!, a03 = A[r0 + k + 3]!;
    const a10 = A[r1 + k]!, a11 = A[r1 + k + 1]!, a12 = A[r1 + k + 2]!, a13 = A[r1 + k + 3]!;
    const a20 = A[r2 + k]!, a21 = A[r2 + k + 1]!, a22 = A[r2 + k + 2]!, a23 = A[r2 + k + 3]!;
    const a30 = A[r3 + k]!, a31 = A[r3 + k + 1]!, a32 = A[r3 + k + 2]!, a33 = A[r3 + k + 3]!;
    const b0 = k * n;
    const b1 = b0 + n;
    const b2 = b1 + n;
    const b3 = b2 + n;
    for (let j = j0; j < jEnd; j += 1) {
      const x0 = B[b0 + j]!, x1 = B[b1 + j]!, x2 = B[b2 + j]!, x3 = B[b3 + j]!;
      C[c0 + j] = C[c0 + j]! + a00 * x0 + a01 * x1 + a02 * x2 + a03 * x3;
      C[c1 + j] = C[c1 + j]! + a10 * x0 + a11 * x1 + a12 * x2 + a13 * x3;
      C[c2 + j] = C[c2 + j]! + a20 * x0 + a21 * x1 + a22 * x2 + a23 * x3;
      C[c3 + j] = C[c3 + j]! + a30 * x0 + a31 * x1 + a32 * x2 + a33 * x3;
    }
  }
  for (; k < kEnd; k += 1) {
    const a0 = A[r0 + k]!, a1 = A[r1 + k]!, a2 = A[r2 + k]!, a3 = A[r3 + k]!;
    const bRow = k * n;
    for (let j = j0; j < jEnd; j += 1) {
      const x = B[bRow + j]!;
      C[c0 + j] = C[c0 + j]! + a0 * x;
      C[c1 + j] = C[c1 + j]! + a1 * x;
      C[c2 + j] = C[c2 + j]! + a2 * x;
      C[c3 + j] = C[c3 + j]! + a3 * x;
    }
  }
}

/** The leftover rows (a.rows mod 4): the same panel update for a single row i. */
function addOneRowPanel(a: MatrixBlock, b: MatrixBlock, out: MatrixBlock, i: number, k0: number, kEnd: number, j0: number, jEnd: number): void {
  const A = a.data;
  const B = b.data;
  const C = out.data;
  const n = b.cols;
  const aRow = i * a.cols;
  const cRow = i * n;
  for (let k = k0; k < kEnd; k += 1) {
    const aik = A[aRow + k]!;
    const bRow = k * n;
    for (let j = j0; j < jEnd; j += 1) C[cRow + j] = C[cRow + j]! + aik * B[bRow + j]!;
  }
}

/** a * b as a new block. */
export function matmul(a: MatrixBlock, b: MatrixBlock): MatrixBlock {
  requireProductShapes(a, b);
  return matmulInto(a, b, matrix(a.rows, b.cols));
}

/**
 * The textbook i-j-k triple loop (strided walk down B's columns). Kept as the reference the tests
 * and bench/matmul.ts compare the blocked kernel against; do not use it for real work.
 */
export function matmulNaive(a: MatrixBlock, b: MatrixBlock): MatrixBlock {
  requireProductShapes(a, b);
  const out = matrix(a.rows, b.cols);
  const n = b.cols;
  for (let i = 0; i < a.rows; i += 1) {
    for (let j = 0; j < n; j += 1) {
      let sum = 0;
      for (let k = 0; k < a.cols; k += 1) sum += a.data[i * a.cols + k]! * b.data[k * n + j]!;
      out.data[i * n + j] = sum;
    }
  }
  return out;
}
