import * as z from 'zod';
import { defineOp } from '../define-op.js';
import { exactly } from '../op-definition.js';
import { BLOCK_LIMIT_MESSAGE, DimensionSchema, MAX_BLOCK_ELEMENTS, withinBlockLimit } from './block-limits.js';
import { filled, identity, randomMatrix } from './kernels/index.js';
import { matrixShapeOf } from '../value-shape.js';
import { generateCost } from '../op-costs.js';

export const MatrixRandomArgsSchema = z
  .object({ rows: DimensionSchema, cols: DimensionSchema, seed: z.number().int().default(0) })
  .strict()
  .refine(withinBlockLimit, { message: BLOCK_LIMIT_MESSAGE });

export const matrixRandom = defineOp({
  name: 'matrix.random',
  description: 'A rows x cols block uniform on [-1, 1) from xoshiro128** seeded with seed (default 0)',
  args: MatrixRandomArgsSchema,
  arity: exactly(0),
  outputs: 1,
  shape: (_inputs, args) => [matrixShapeOf(args.rows, args.cols)],
  cost: (_inputs, args) => generateCost('random', args.rows * args.cols * Float64Array.BYTES_PER_ELEMENT),
  run: (_inputs, args) => [randomMatrix(args.rows, args.cols, args.seed)],
});

export const MatrixFillArgsSchema = z
  .object({ rows: DimensionSchema, cols: DimensionSchema, value: z.number() })
  .strict()
  .refine(withinBlockLimit, { message: BLOCK_LIMIT_MESSAGE });

export const matrixFill = defineOp({
  name: 'matrix.fill',
  description: 'A rows x cols block with every element equal to value',
  args: MatrixFillArgsSchema,
  arity: exactly(0),
  outputs: 1,
  shape: (_inputs, args) => [matrixShapeOf(args.rows, args.cols)],
  cost: (_inputs, args) => generateCost('fill', args.rows * args.cols * Float64Array.BYTES_PER_ELEMENT),
  run: (_inputs, args) => [filled(args.rows, args.cols, args.value)],
});

export const MatrixIdentityArgsSchema = z
  .object({ n: DimensionSchema.max(Math.floor(Math.sqrt(MAX_BLOCK_ELEMENTS))) })
  .strict();

export const matrixIdentity = defineOp({
  name: 'matrix.identity',
  description: 'The n x n identity',
  args: MatrixIdentityArgsSchema,
  arity: exactly(0),
  outputs: 1,
  shape: (_inputs, args) => [matrixShapeOf(args.n, args.n)],
  cost: (_inputs, args) => generateCost('fill', args.n * args.n * Float64Array.BYTES_PER_ELEMENT),
  run: (_inputs, args) => [identity(args.n)],
});
