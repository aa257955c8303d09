/**
 * Matrix kernels: pure functions on MatrixBlock (row-major Float64), shared by the matrix.* ops and
 * by workload verifiers that recompute results sequentially.
 */
export { add, filled, identity, maxRelativeDifference, scale, sub, sumAll } from './elementwise.js';
export { randomMatrix } from './generate.js';
export { hstack, slice, transpose, vstack, type SliceBounds } from './layout.js';
export { matmul, matmulBlockedJs, matmulInto, matmulNaive } from './matmul.js';
export { qr, type QrFactors } from './qr.js';
export { requireSameShape } from './shape-check.js';
export { svd, type SvdFactors } from './svd.js';
