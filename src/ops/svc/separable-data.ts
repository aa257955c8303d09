import { matrix, type MatrixBlock } from '../../data/value.js';
import { randomMatrix } from '../matrix/kernels/generate.js';

/** The hidden separating hyperplane wᵀx + bias = 0 of a synthetic data set (‖w‖ = 1). */
export interface HiddenModel {
  readonly weights: Float64Array;
  readonly bias: number;
}

/** Bias of the hidden hyperplane: a small offset, so the classes are not symmetric about 0. */
const BIAS_SCALE = 0.1;

/** The hyperplane drawn from `modelSeed`: a uniform direction (normalized), bias in [-0.1, 0.1). */
export function hiddenModel(features: number, modelSeed: number): HiddenModel {
  const draw = randomMatrix(1, features + 1, modelSeed).data;
  const weights = draw.slice(0, features);
  let norm = Math.hypot(...weights);
  if (norm === 0) {
    weights[0] = 1;
    norm = 1;
  }
  for (let j = 0; j < features; j += 1) weights[j] = weights[j]! / norm;
  return { weights, bias: BIAS_SCALE * draw[features]! };
}

/**
 * A chunk of a two-class, linearly separable data set: `rows` points uniform on [-1, 1)^features
 * (matrix.random's stream for `seed`), labelled +1 / -1 by the side of the hidden hyperplane
 * (from `modelSeed`, shared by every chunk of one data set). A point closer to the plane than
 * `margin` is pushed away from it along the normal by `margin`, so the classes are separated by
 * a gap of at least 2 x margin. Deterministic: the same args give the same chunk everywhere.
 */
export function separableChunk(rows: number, features: number, seed: number, modelSeed: number, margin: number): { x: MatrixBlock; y: MatrixBlock } {
  const x = randomMatrix(rows, features, seed);
  const y = matrix(rows, 1);
  const model = hiddenModel(features, modelSeed);
  for (let i = 0; i < rows; i += 1) {
    const row = i * features;
    let score = model.bias;
    for (let j = 0; j < features; j += 1) score += model.weights[j]! * x.data[row + j]!;
    const side = score >= 0 ? 1 : -1;
    if (Math.abs(score) < margin) {
      for (let j = 0; j < features; j += 1) x.data[row + j] = x.data[row + j]! + side * margin * model.weights[j]!;
    }
    y.data[i] = side;
  }
  return { x, y };
}
