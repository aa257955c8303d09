import { matrix, type MatrixBlock } from '../../../data/value.js';
import { requireSameShape } from './shape-check.js';

/** The elementwise sum of one or more blocks of the same shape, added left to right. */
export function add(blocks: readonly MatrixBlock[]): MatrixBlock {
  requireSameShape('matrix.add', blocks);
  const first = blocks[0]!;
  const out = matrix(first.rows, first.cols, Float64Array.from(first.data));
  for (const block of blocks.slice(1)) {
    const src = block.data;
    const dst = out.data;
    for (let i = 0; i < dst.length; i += 1) dst[i] = dst[i]! + src[i]!;
  }
  return out;
}

/** a - b, elementwise. */
export function sub(a: MatrixBlock, b: MatrixBlock): MatrixBlock {
  requireSameShape('matrix.sub', [a, b]);
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i += 1) out.data[i] = a.data[i]! - b.data[i]!;
  return out;
}

/** factor * a. */
export function scale(a: MatrixBlock, factor: number): MatrixBlock {
  const out = matrix(a.rows, a.cols);
  for (let i = 0; i < out.data.length; i += 1) out.data[i] = a.data[i]! * factor;
  return out;
}

/** The sum of all elements, in row-major order. */
export function sumAll(a: MatrixBlock): number {
  let total = 0;
  for (let i = 0; i < a.data.length; i += 1) total += a.data[i]!;
  return total;
}

/** A rows x cols block with every element equal to `value`. */
export function filled(rows: number, cols: number, value: number): MatrixBlock {
  return matrix(rows, cols, new Float64Array(rows * cols).fill(value));
}

/** The n x n identity. */
export function identity(n: number): MatrixBlock {
  const out = matrix(n, n);
  for (let i = 0; i < n; i += 1) out.data[i * n + i] = 1;
  return out;
}

/** The largest |a_ij - b_ij| / max(1, |b_ij|): how tests and verifiers compare blocks. */
export function maxRelativeDifference(a: MatrixBlock, b: MatrixBlock): number {
  requireSameShape('compare', [a, b]);
  let worst = 0;
  for (let i = 0; i < a.data.length; i += 1) {
    const expected = b.data[i]!;
    worst = Math.max(worst, Math.abs(a.data[i]! - expected) / Math.max(1, Math.abs(expected)));
  }
  return worst;
}
