import { fitNonNegativeLine, lineAt, type LineFit, type Point, type SingleSizeRule } from './robust-fit.js';
import type { Sla } from './sla.js';
import { slaStatisticOfSorted, sortedAscending } from './statistics.js';

/**
 * A robust line plus the spread around it. The spread is multiplicative: each sample's
 * observed / fitted ratio. A prediction is `line(x) × statistic(ratios)`, the statistic named by the
 * SLA, so a p90 prediction is the line scaled by how far above it the slowest tenth of the samples
 * ran; and since line(x) >= 0 and percentiles are monotone in p, p10 <= median <= p90 always.
 * Multiplicative rather than additive because spread grows with size (a 10 s task varies by
 * seconds, a 10 ms task by milliseconds).
 */
export interface FittedModel {
  readonly line: LineFit;
  readonly samples: number;
  /** observed / fitted for every sample whose ratio is finite (fitted value positive), ascending. */
  readonly residualRatios: Float64Array;
}

export function fitModel(points: readonly Point[], singleSize: SingleSizeRule): FittedModel {
  const line = fitNonNegativeLine(points, singleSize);
  const ratios: number[] = [];
  for (const point of points) {
    const fitted = lineAt(line, point.x);
    const ratio = point.y / fitted;
    // A fitted value of ~0 (a denormal) makes the ratio infinite: it says nothing about spread.
    if (fitted > 0 && Number.isFinite(ratio)) ratios.push(ratio);
  }
  // All fitted values zero (every sample was 0 ms / 0 bytes): the line alone is the answer.
  return { line, samples: points.length, residualRatios: sortedAscending(ratios.length > 0 ? ratios : [1]) };
}

export function predictWithModel(model: FittedModel, x: number, sla: Sla): number {
  return lineAt(model.line, x) * slaStatisticOfSorted(model.residualRatios, sla);
}
