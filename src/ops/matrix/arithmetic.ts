import { z } from 'zod';
import { matrix } from '../../data/value.js';
import { NO_ARGS, defineOp } from '../define-op.js';
import { matrixInput, matrixInputs } from '../input-guards.js';
import { atLeast, exactly } from '../op-definition.js';
import { add, matmul, scale, sub, sumAll } from './kernels/index.js';

export const matrixAdd = defineOp({
  name: 'matrix.add',
  description: 'Elementwise sum of one or more blocks of the same shape',
  args: NO_ARGS,
  arity: atLeast(1),
  outputs: 1,
  run: (inputs) => [add(matrixInputs('matrix.add', inputs))],
});

export const matrixSub = defineOp({
  name: 'matrix.sub',
  description: 'First input minus second, elementwise',
  args: NO_ARGS,
  arity: exactly(2),
  outputs: 1,
  run: (inputs) => [sub(matrixInput('matrix.sub', inputs, 0), matrixInput('matrix.sub', inputs, 1))],
});

export const matrixMatmul = defineOp({
  name: 'matrix.matmul',
  description: 'Matrix product of the first input by the second (blocked, register-tiled kernel)',
  args: NO_ARGS,
  arity: exactly(2),
  outputs: 1,
  run: (inputs) => [matmul(matrixInput('matrix.matmul', inputs, 0), matrixInput('matrix.matmul', inputs, 1))],
});

export const MatrixScaleArgsSchema = z.object({ factor: z.number() }).strict();

export const matrixScale = defineOp({
  name: 'matrix.scale',
  description: 'The input multiplied by factor',
  args: MatrixScaleArgsSchema,
  arity: exactly(1),
  outputs: 1,
  run: (inputs, args) => [scale(matrixInput('matrix.scale', inputs, 0), args.factor)],
});

export const matrixSum = defineOp({
  name: 'matrix.sum',
  description: 'A 1x1 block holding the sum of all elements of the input',
  args: NO_ARGS,
  arity: exactly(1),
  outputs: 1,
  run: (inputs) => [matrix(1, 1, Float64Array.of(sumAll(matrixInput('matrix.sum', inputs, 0))))],
});
