import { median, percentileInPlace } from './statistics.js';

/**
 * Robust straight-line fits of y (ms, bytes) against x (bytes). Theil–Sen: the slope is the median
 * of the slopes between all pairs of points, the intercept the median of y - slope * x. It ignores
 * up to ~29 % arbitrary outliers (its breakdown point), which matters here: a few runs hit a cold
 * cache or a noisy neighbour, and a least-squares line would chase them.
 */
export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface LineFit {
  readonly intercept: number;
  readonly slope: number;
  /** How the line was found (see fitNonNegativeLine). */
  readonly method: 'theil-sen' | 'through-origin' | 'proportional' | 'anchored' | 'constant';
}

/**
 * What to do when every sample has the same x (a task key seen at one input size only):
 * - `proportional`: y scales with x (the median ratio y / x), so a bigger input predicts a
 *   proportionally longer task;
 * - `anchored`: the line from (0, intercept) through the median point, for transfers, whose time
 *   at size zero is a known request latency.
 */
export type SingleSizeRule = { readonly kind: 'proportional' } | { readonly kind: 'anchored'; readonly intercept: number };

/** Above this many points, Theil–Sen runs on an evenly spaced subsample by x (O(n²) pairs). */
export const MAX_THEIL_SEN_POINTS = 300;

/** The fitted line at x, never below zero (neither a time nor a size can be negative). */
export function lineAt(fit: LineFit, x: number): number {
  return Math.max(0, fit.intercept + fit.slope * x);
}

/**
 * A line with non-negative slope and intercept (more input never means less work, and no input
 * is never negative work). With two or more distinct x: Theil–Sen; a negative slope becomes a flat
 * line at the median y, and a negative intercept a line through the origin with the median ratio
 * as slope. With one distinct x: the SingleSizeRule, or a flat line when that x is 0.
 */
export function fitNonNegativeLine(points: readonly Point[], singleSize: SingleSizeRule): LineFit {
  if (points.length === 0) throw new RangeError('cannot fit a line to no points');
  const ys = points.map((p) => p.y);
  const firstX = (points[0] as Point).x;
  const oneSize = points.every((p) => p.x === firstX);
  if (oneSize) {
    const medianY = median(ys);
    if (firstX <= 0) return { intercept: medianY, slope: 0, method: 'constant' };
    if (singleSize.kind === 'proportional') return { intercept: 0, slope: medianY / firstX, method: 'proportional' };
    const intercept = Math.max(0, Math.min(singleSize.intercept, medianY));
    return { intercept, slope: (medianY - intercept) / firstX, method: 'anchored' };
  }
  const line = theilSenLine(points);
  if (line.slope < 0) return { intercept: median(ys), slope: 0, method: 'constant' };
  if (line.intercept < 0) {
    const ratios = points.filter((p) => p.x > 0).map((p) => p.y / p.x);
    return { intercept: 0, slope: median(ratios), method: 'through-origin' };
  }
  return { ...line, method: 'theil-sen' };
}

/** Theil–Sen on points with at least two distinct x. */
export function theilSenLine(points: readonly Point[]): { intercept: number; slope: number } {
  const sample = evenlySpacedByX(points, MAX_THEIL_SEN_POINTS);
  const slopes = new Float64Array((sample.length * (sample.length - 1)) / 2);
  let count = 0;
  for (let i = 0; i < sample.length; i += 1) {
    const a = sample[i] as Point;
    for (let j = i + 1; j < sample.length; j += 1) {
      const b = sample[j] as Point;
      if (a.x !== b.x) slopes[count++] = (b.y - a.y) / (b.x - a.x);
    }
  }
  if (count === 0) throw new RangeError('Theil–Sen needs at least two distinct x');
  const slope = percentileInPlace(slopes.subarray(0, count), 50);
  const intercept = median(points.map((p) => p.y - slope * p.x));
  return { intercept, slope };
}

/** At most `limit` points, evenly spaced in x order, always keeping the smallest and largest x. */
function evenlySpacedByX(points: readonly Point[], limit: number): readonly Point[] {
  if (points.length <= limit) return points;
  const byX = [...points].sort((a, b) => a.x - b.x);
  const step = (byX.length - 1) / (limit - 1);
  return Array.from({ length: limit }, (_, i) => byX[Math.round(i * step)] as Point);
}
