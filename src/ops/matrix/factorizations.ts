import { NO_ARGS, defineOp } from '../define-op.js';
import { matrixInput } from '../input-guards.js';
import { exactly } from '../op-definition.js';
import { qr, svd } from './kernels/index.js';
import { matrixShapeAt, matrixShapeOf } from '../value-shape.js';
import { qrCost, svdCost } from '../op-costs.js';

export const matrixQr = defineOp({
  name: 'matrix.qr',
  description: 'Thin Householder QR of an m x n block (m >= n): #0 Q (m x n), #1 R (n x n, diagonal >= 0)',
  args: NO_ARGS,
  arity: exactly(1),
  outputs: 2,
  shape(inputs) {
    const a = matrixShapeAt(inputs, 0);
    return a && a.rows >= a.cols ? [matrixShapeOf(a.rows, a.cols), matrixShapeOf(a.cols, a.cols)] : undefined;
  },
  cost: (inputs) => qrCost(inputs),
  run(inputs) {
    const { q, r } = qr(matrixInput('matrix.qr', inputs, 0));
    return [q, r];
  },
});

export const matrixSvd = defineOp({
  name: 'matrix.svd',
  description: 'SVD of a small block by one-sided Jacobi: #0 U (m x k), #1 S (1 x k, descending), #2 Vt (k x n)',
  args: NO_ARGS,
  arity: exactly(1),
  outputs: 3,
  shape(inputs) {
    const a = matrixShapeAt(inputs, 0);
    if (!a) return undefined;
    const k = Math.min(a.rows, a.cols);
    return [matrixShapeOf(a.rows, k), matrixShapeOf(1, k), matrixShapeOf(k, a.cols)];
  },
  cost: (inputs) => svdCost(inputs),
  run(inputs) {
    const { u, s, vt } = svd(matrixInput('matrix.svd', inputs, 0));
    return [u, s, vt];
  },
});
