import type { OpCost } from './op-definition.js';
import { allMatrixShapes, byteSizeOfShape, matrixShapeAt, type ValueShape } from './value-shape.js';

/**
 * Cost declarations shared by the built-in ops (OpDefinition.cost): the work of one run from its
 * input shapes, counted as the kernels in ./matrix/kernels do it (and numpy/LAPACK count it), so a
 * profile's kernel rates (src/cost/kernel-rates.ts) price the same quantity they were measured on.
 */

/** Bytes of one float64 element. */
const F64 = Float64Array.BYTES_PER_ELEMENT;

function totalBytes(shapes: readonly ValueShape[]): number {
  return shapes.reduce((sum, shape) => sum + byteSizeOfShape(shape), 0);
}

/**
 * k same-shape blocks combined elementwise into one (add, sub): (k - 1) flops per element, every
 * input read once, the output written once.
 */
export function elementwiseCost(inputs: readonly ValueShape[], extra: Partial<OpCost> = {}): OpCost | undefined {
  const first = matrixShapeAt(inputs, 0);
  if (!first || !allMatrixShapes(inputs)) return undefined;
  const elements = first.rows * first.cols;
  return { kernel: 'elementwise', flops: elements * Math.max(1, inputs.length - 1), bytesRead: totalBytes(inputs), bytesWritten: elements * F64, ...extra };
}

/** One pass over one block (scale: one flop per element, written back; sum: one flop each, a scalar out). */
export function onePassCost(inputs: readonly ValueShape[], writesOutput: boolean): OpCost | undefined {
  const a = matrixShapeAt(inputs, 0);
  if (!a) return undefined;
  const bytes = a.rows * a.cols * F64;
  return { kernel: 'elementwise', flops: a.rows * a.cols, bytesRead: bytes, bytesWritten: writesOutput ? bytes : F64 };
}

/** (m x k) . (k x n): 2 m k n flops (one multiply and one add per term). */
export function matmulCost(inputs: readonly ValueShape[]): OpCost | undefined {
  const a = matrixShapeAt(inputs, 0);
  const b = matrixShapeAt(inputs, 1);
  if (!a || !b || a.cols !== b.rows) return undefined;
  return { kernel: 'matmul', flops: 2 * a.rows * a.cols * b.cols, bytesRead: (a.rows * a.cols + b.rows * b.cols) * F64, bytesWritten: a.rows * b.cols * F64 };
}

/**
 * Thin Householder QR of m x n (m >= n), Q formed: 2 m n^2 - 2 n^3 / 3 for R (Golub & Van Loan,
 * Matrix Computations, 4th ed., alg. 5.2.5) and as much again to accumulate the thin Q.
 */
export function qrCost(inputs: readonly ValueShape[]): OpCost | undefined {
  const a = matrixShapeAt(inputs, 0);
  if (!a || a.rows < a.cols) return undefined;
  const { rows: m, cols: n } = a;
  const factor = 2 * m * n * n - (2 * n * n * n) / 3;
  return { kernel: 'qr', flops: 2 * factor, bytesRead: m * n * F64, bytesWritten: (m * n + n * n) * F64 };
}

/**
 * Thin SVD of m x n with k = min(m, n): 4 m n k + 22 k^3 flops (the R-SVD count of Golub & Van
 * Loan, fig. 8.6.1, for U, S and V), whichever algorithm runs it.
 */
export function svdCost(inputs: readonly ValueShape[]): OpCost | undefined {
  const a = matrixShapeAt(inputs, 0);
  if (!a) return undefined;
  const { rows: m, cols: n } = a;
  const k = Math.min(m, n);
  return { kernel: 'svd', flops: 4 * m * n * k + 22 * k * k * k, bytesRead: m * n * F64, bytesWritten: (m * k + k + k * n) * F64 };
}

/** A layout change (transpose, stack, slice, concat): every output byte read once and written once. */
export function copyCost(outputBytes: number): OpCost {
  return { kernel: 'copy', bytesRead: outputBytes, bytesWritten: outputBytes };
}

/** A generated block (random, seeded data): the output's bytes produced by the generator. */
export function generateCost(kernel: 'random' | 'fill', outputBytes: number): OpCost {
  return { kernel, bytesWritten: outputBytes };
}
