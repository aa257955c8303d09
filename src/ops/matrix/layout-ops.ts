import * as z from 'zod';
import { NO_ARGS, defineOp } from '../define-op.js';
import { matrixInput, matrixInputs } from '../input-guards.js';
import { atLeast, exactly } from '../op-definition.js';
import { hstack, slice, transpose, vstack } from './kernels/index.js';
import { allMatrixShapes, byteSizeOfShape, matrixShapeAt, matrixShapeOf, type ValueShape } from '../value-shape.js';
import { copyCost } from '../op-costs.js';

/** A layout op moves every input byte once (slice: only the window it keeps, below). */
const copyOfInputs = (inputs: readonly ValueShape[]) => (allMatrixShapes(inputs) ? copyCost(inputs.reduce((sum, s) => sum + byteSizeOfShape(s), 0)) : undefined);

export const matrixTranspose = defineOp({
  name: 'matrix.transpose',
  description: 'The transpose of the input',
  args: NO_ARGS,
  arity: exactly(1),
  outputs: 1,
  shape(inputs) {
    const a = matrixShapeAt(inputs, 0);
    return a ? [matrixShapeOf(a.cols, a.rows)] : undefined;
  },
  cost: copyOfInputs,
  run: (inputs) => [transpose(matrixInput('matrix.transpose', inputs, 0))],
});

export const matrixVstack = defineOp({
  name: 'matrix.vstack',
  description: 'The inputs stacked top to bottom in deps order (same number of columns)',
  args: NO_ARGS,
  arity: atLeast(1),
  outputs: 1,
  shape(inputs) {
    const blocks = allMatrixShapes(inputs);
    return blocks ? [matrixShapeOf(blocks.reduce((sum, b) => sum + b.rows, 0), blocks[0]?.cols ?? 0)] : undefined;
  },
  cost: copyOfInputs,
  run: (inputs) => [vstack(matrixInputs('matrix.vstack', inputs))],
});

export const matrixHstack = defineOp({
  name: 'matrix.hstack',
  description: 'The inputs side by side, left to right in deps order (same number of rows)',
  args: NO_ARGS,
  arity: atLeast(1),
  outputs: 1,
  shape(inputs) {
    const blocks = allMatrixShapes(inputs);
    return blocks ? [matrixShapeOf(blocks[0]?.rows ?? 0, blocks.reduce((sum, b) => sum + b.cols, 0))] : undefined;
  },
  cost: copyOfInputs,
  run: (inputs) => [hstack(matrixInputs('matrix.hstack', inputs))],
});

const IndexSchema = z.number().int().nonnegative();

/**
 * Half-open bounds; non-empty by construction (start < end). Whether they fit the input is only
 * known at run time, where matrix.slice fails naming the bounds and the shape.
 */
export const MatrixSliceArgsSchema = z
  .object({ rowStart: IndexSchema, rowEnd: IndexSchema, colStart: IndexSchema, colEnd: IndexSchema })
  .strict()
  .refine((b) => b.rowStart < b.rowEnd, { message: 'rowStart must be less than rowEnd', path: ['rowEnd'] })
  .refine((b) => b.colStart < b.colEnd, { message: 'colStart must be less than colEnd', path: ['colEnd'] });

export const matrixSlice = defineOp({
  name: 'matrix.slice',
  description: 'The window [rowStart, rowEnd) x [colStart, colEnd) of the input',
  args: MatrixSliceArgsSchema,
  arity: exactly(1),
  outputs: 1,
  shape(inputs, args) {
    const a = matrixShapeAt(inputs, 0);
    const fits = a !== undefined && args.rowEnd <= a.rows && args.colEnd <= a.cols;
    return fits ? [matrixShapeOf(args.rowEnd - args.rowStart, args.colEnd - args.colStart)] : undefined;
  },
  cost: (inputs, args) => (matrixShapeAt(inputs, 0) ? copyCost((args.rowEnd - args.rowStart) * (args.colEnd - args.colStart) * Float64Array.BYTES_PER_ELEMENT) : undefined),
  run: (inputs, args) => [slice(matrixInput('matrix.slice', inputs, 0), args)],
});
