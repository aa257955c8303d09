import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { matrix } from '../../data/value.js';
import { NO_ARGS, defineOp } from '../define-op.js';
import { matrixInput, matrixInputs } from '../input-guards.js';
import { atLeast, exactly } from '../op-definition.js';
import { add, matmul, scale, sub, sumAll } from './kernels/index.js';
import { matrixShapeAt, matrixShapeOf, type ValueShape } from '../value-shape.js';
import { elementwiseCost, matmulCost, onePassCost } from '../op-costs.js';

/**
 * `delayMs`: sleep that long after summing, as the tasks of WUKONG's tree-reduction benchmark do
 * (the paper varies it from 0 to 500 ms), so a delayed reduction still computes the real sum.
 */
export const MatrixAddArgsSchema = z.object({ delayMs: z.number().int().min(0).max(600_000).optional() }).strict();

export const matrixAdd = defineOp({
  name: 'matrix.add',
  description: 'Elementwise sum of one or more blocks of the same shape (then an optional delayMs sleep)',
  args: MatrixAddArgsSchema,
  arity: atLeast(1),
  outputs: 1,
  shape: (inputs) => sameShapeAsFirst(inputs),
  // The delay is a sleep: waited, not computed.
  cost: (inputs, args) => elementwiseCost(inputs, args.delayMs ? { waitMs: args.delayMs } : {}),
  run: (inputs, args) => {
    const sum = [add(matrixInputs('matrix.add', inputs))];
    return args.delayMs ? sleep(args.delayMs).then(() => sum) : sum;
  },
});

export const matrixSub = defineOp({
  name: 'matrix.sub',
  description: 'First input minus second, elementwise',
  args: NO_ARGS,
  arity: exactly(2),
  outputs: 1,
  shape: (inputs) => sameShapeAsFirst(inputs),
  cost: (inputs) => elementwiseCost(inputs),
  run: (inputs) => [sub(matrixInput('matrix.sub', inputs, 0), matrixInput('matrix.sub', inputs, 1))],
});

export const matrixMatmul = defineOp({
  name: 'matrix.matmul',
  description: 'Matrix product of the first input by the second (blocked, register-tiled kernel)',
  args: NO_ARGS,
  arity: exactly(2),
  outputs: 1,
  shape(inputs) {
    const a = matrixShapeAt(inputs, 0);
    const b = matrixShapeAt(inputs, 1);
    return a && b ? [matrixShapeOf(a.rows, b.cols)] : undefined;
  },
  cost: (inputs) => matmulCost(inputs),
  run: (inputs) => [matmul(matrixInput('matrix.matmul', inputs, 0), matrixInput('matrix.matmul', inputs, 1))],
});

export const MatrixScaleArgsSchema = z.object({ factor: z.number() }).strict();

export const matrixScale = defineOp({
  name: 'matrix.scale',
  description: 'The input multiplied by factor',
  args: MatrixScaleArgsSchema,
  arity: exactly(1),
  outputs: 1,
  shape: (inputs) => sameShapeAsFirst(inputs),
  cost: (inputs) => onePassCost(inputs, true),
  run: (inputs, args) => [scale(matrixInput('matrix.scale', inputs, 0), args.factor)],
});

export const matrixSum = defineOp({
  name: 'matrix.sum',
  description: 'A 1x1 block holding the sum of all elements of the input',
  args: NO_ARGS,
  arity: exactly(1),
  outputs: 1,
  shape: (inputs) => (matrixShapeAt(inputs, 0) ? [matrixShapeOf(1, 1)] : undefined),
  cost: (inputs) => onePassCost(inputs, false),
  run: (inputs) => [matrix(1, 1, Float64Array.of(sumAll(matrixInput('matrix.sum', inputs, 0))))],
});

/** Elementwise ops: the output has the first input's shape (run checks that the others match). */
function sameShapeAsFirst(inputs: readonly ValueShape[]): ValueShape[] | undefined {
  const first = matrixShapeAt(inputs, 0);
  return first ? [matrixShapeOf(first.rows, first.cols)] : undefined;
}
