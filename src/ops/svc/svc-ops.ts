import * as z from 'zod';
import { NO_ARGS, defineOp } from '../define-op.js';
import { matrixInput, shapeOf } from '../input-guards.js';
import { BLOCK_LIMIT_MESSAGE, DimensionSchema, withinBlockLimit } from '../matrix/block-limits.js';
import { OpInputError } from '../op-input-error.js';
import { exactly } from '../op-definition.js';
import { pegasosTrain, predictLabels } from './pegasos.js';
import { separableChunk } from './separable-data.js';
import { matrixShapeAt, matrixShapeOf } from '../value-shape.js';
import { generateCost } from '../op-costs.js';

const F64 = Float64Array.BYTES_PER_ELEMENT;

/**
 * Support-vector classification ops: the hinge-loss sub-gradient step needs max(0, ·) and a
 * per-sample branch, which the matrix.* ops cannot express. Weights travel as a 1 x (d + 1) row
 * (d weights, then the bias); labels as ±1.
 */

export const SvcMakeChunkArgsSchema = z
  .object({
    rows: DimensionSchema,
    features: DimensionSchema.max(65_536),
    seed: z.number().int(),
    modelSeed: z.number().int(),
    margin: z.number().nonnegative().max(1).default(0.1),
  })
  .strict()
  .refine((a) => withinBlockLimit({ rows: a.rows, cols: a.features }), { message: BLOCK_LIMIT_MESSAGE });

export const svcMakeChunk = defineOp({
  name: 'svc.make-chunk',
  description: 'A chunk of a seeded linearly separable two-class data set: #0 X (rows x features), #1 labels ±1 (rows x 1)',
  args: SvcMakeChunkArgsSchema,
  arity: exactly(0),
  outputs: 2,
  shape: (_inputs, args) => [matrixShapeOf(args.rows, args.features), matrixShapeOf(args.rows, 1)],
  // X's elements are drawn like matrix.random's; labels are one dot product per row (2 flops per element).
  cost: (_inputs, args) => ({ ...generateCost('random', args.rows * (args.features + 1) * F64), flops: 2 * args.rows * args.features }),
  run(_inputs, args) {
    const { x, y } = separableChunk(args.rows, args.features, args.seed, args.modelSeed, args.margin);
    return [x, y];
  },
});

export const SvcTrainChunkArgsSchema = z
  .object({
    lambda: z.number().positive().max(1e6),
    epochs: z.number().int().min(1).max(10_000).default(1),
    seed: z.number().int().default(0),
    stepOffset: z.number().int().nonnegative().default(0),
  })
  .strict();

export const svcTrainChunk = defineOp({
  name: 'svc.train-chunk',
  description: 'Pegasos linear-SVM epochs on one chunk (X, labels, weights 1 x (d+1)) from the given weights: the new weights',
  args: SvcTrainChunkArgsSchema,
  arity: exactly(3),
  outputs: 1,
  shape(inputs) {
    const x = matrixShapeAt(inputs, 0);
    return x ? [matrixShapeOf(1, x.cols + 1)] : undefined;
  },
  // Pegasos: per epoch, each sample's margin (2d flops) and, for violators, a weight update (2d more);
  // priced at the worst case, every sample a violator: 4 n d flops per epoch, X read once per epoch.
  cost(inputs, args) {
    const x = matrixShapeAt(inputs, 0);
    if (!x) return undefined;
    return { kernel: 'svc', flops: 4 * x.rows * x.cols * args.epochs, bytesRead: (x.rows * (x.cols + 1)) * F64 * args.epochs, bytesWritten: (x.cols + 1) * F64 };
  },
  run(inputs, args) {
    const x = matrixInput('svc.train-chunk', inputs, 0);
    const y = matrixInput('svc.train-chunk', inputs, 1);
    const w = matrixInput('svc.train-chunk', inputs, 2);
    if (y.rows !== x.rows || y.cols !== 1) throw new OpInputError('svc.train-chunk', `labels must be ${x.rows}x1 for ${shapeOf(x)} X, got ${shapeOf(y)}`);
    if (w.rows !== 1 || w.cols !== x.cols + 1) throw new OpInputError('svc.train-chunk', `weights must be 1x${x.cols + 1} for ${shapeOf(x)} X, got ${shapeOf(w)}`);
    return [pegasosTrain(x, y, w, args)];
  },
});

export const svcPredict = defineOp({
  name: 'svc.predict',
  description: 'Labels sign(X·w + bias) of a chunk as a 1 x rows row (so a matmul with the label column counts agreements)',
  args: NO_ARGS,
  arity: exactly(2),
  outputs: 1,
  shape(inputs) {
    const x = matrixShapeAt(inputs, 0);
    return x ? [matrixShapeOf(1, x.rows)] : undefined;
  },
  // One dot product per row: 2 n d flops, X read once.
  cost(inputs) {
    const x = matrixShapeAt(inputs, 0);
    return x ? { kernel: 'svc', flops: 2 * x.rows * x.cols, bytesRead: x.rows * x.cols * F64, bytesWritten: x.rows * F64 } : undefined;
  },
  run(inputs) {
    const x = matrixInput('svc.predict', inputs, 0);
    const w = matrixInput('svc.predict', inputs, 1);
    if (w.rows !== 1 || w.cols !== x.cols + 1) throw new OpInputError('svc.predict', `weights must be 1x${x.cols + 1} for ${shapeOf(x)} X, got ${shapeOf(w)}`);
    return [predictLabels(x, w)];
  },
});
