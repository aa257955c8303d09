import { matrix, type MatrixBlock } from '../../data/value.js';
import { Xoshiro128StarStar } from '../random/xoshiro128-star-star.js';

export interface PegasosOptions {
  /** Regularization strength λ of the SVM objective λ/2 ‖w‖² + mean hinge loss. */
  readonly lambda: number;
  /** Passes over the chunk, each in a fresh seeded order. */
  readonly epochs: number;
  readonly seed: number;
  /** Steps already taken before this call (the learning rate continues from there: warm start). */
  readonly stepOffset: number;
}

/**
 * Linear SVM training on one chunk by Pegasos (Shalev-Shwartz, Singer, Srebro & Cotter 2011):
 * stochastic sub-gradient steps on the hinge loss with learning rate 1/(λt) and projection onto
 * the ball of radius 1/√λ. `w` is a 1 x (d + 1) row: d weights, then the bias (treated as the
 * weight of a constant feature 1, so it is regularized too). Labels are ±1 in an m x 1 column.
 * Starting t at stepOffset + 1 makes a round of parameter averaging a warm start rather than a
 * reset (at t = 1 the first step would discard w).
 */
export function pegasosTrain(x: MatrixBlock, y: MatrixBlock, w: MatrixBlock, options: PegasosOptions): MatrixBlock {
  const m = x.rows;
  const d = x.cols;
  const weights = Float64Array.from(w.data);
  const radius = 1 / Math.sqrt(options.lambda);
  const rng = Xoshiro128StarStar.fromInteger(options.seed);
  const order = Array.from({ length: m }, (_, i) => i);
  let t = options.stepOffset;
  for (let epoch = 0; epoch < options.epochs; epoch += 1) {
    // Fisher-Yates with a uniform [0, 1) draw from the signed unit.
    for (let i = m - 1; i > 0; i -= 1) {
      const j = Math.floor(((rng.nextSignedUnit() + 1) / 2) * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const i of order) {
      t += 1;
      const eta = 1 / (options.lambda * t);
      const label = y.data[i]!;
      const row = i * d;
      let score = weights[d]!;
      for (let j = 0; j < d; j += 1) score += weights[j]! * x.data[row + j]!;
      const shrink = 1 - eta * options.lambda;
      for (let j = 0; j <= d; j += 1) weights[j] = weights[j]! * shrink;
      if (label * score < 1) {
        for (let j = 0; j < d; j += 1) weights[j] = weights[j]! + eta * label * x.data[row + j]!;
        weights[d] = weights[d]! + eta * label;
      }
      let norm = 0;
      for (let j = 0; j <= d; j += 1) norm += weights[j]! * weights[j]!;
      norm = Math.sqrt(norm);
      if (norm > radius) for (let j = 0; j <= d; j += 1) weights[j] = (weights[j]! * radius) / norm;
    }
  }
  return matrix(1, d + 1, weights);
}

/** Predicted labels sign(w·x + bias) (0 counts as +1), as a 1 x m row. */
export function predictLabels(x: MatrixBlock, w: MatrixBlock): MatrixBlock {
  const d = x.cols;
  const labels = matrix(1, x.rows);
  for (let i = 0; i < x.rows; i += 1) {
    let score = w.data[d]!;
    for (let j = 0; j < d; j += 1) score += w.data[j]! * x.data[i * d + j]!;
    labels.data[i] = score >= 0 ? 1 : -1;
  }
  return labels;
}
