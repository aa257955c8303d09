import { theilSenLine, type Point } from './robust-fit.js';
import type { Sla } from './sla.js';
import { median, slaStatisticOfSorted, sortedAscending } from './statistics.js';

/**
 * y = coefficient × x^exponent, fitted by Theil–Sen on (ln x, ln y): the same-op level of the
 * predictor's fallback order (./predictor.ts), which must scale across block shapes. A dense
 * kernel's time grows as a power of the bytes it touches (an n×n matmul reads and writes ~3n²
 * doubles and does n³ work: exponent 1.5; a copy or a QR of fixed width: ~1), so a straight line
 * through two block sizes would miss a third by far more than a power law does.
 */
export interface PowerLawModel {
  readonly coefficient: number;
  readonly exponent: number;
  readonly samples: number;
  /** observed / fitted for every sample, ascending (the spread the SLA picks from). */
  readonly residualRatios: Float64Array;
}

/**
 * The exponent is kept within [0, MAX_EXPONENT]: more input never means less work, and nothing
 * the built-in ops do grows faster than cubic in a block's side (power 1.5 of its bytes); a
 * steeper fit comes from noise between close sizes and would explode when extrapolating.
 */
export const MAX_EXPONENT = 2;

/**
 * Fits points with x > 0 and y > 0 (others say nothing on a log scale); undefined when none is
 * left. With one distinct x the exponent is 1 (proportional, as the task-key level assumes).
 */
export function fitPowerLaw(points: readonly Point[]): PowerLawModel | undefined {
  const logPoints = points.filter((p) => p.x > 0 && p.y > 0).map((p) => ({ x: Math.log(p.x), y: Math.log(p.y) }));
  if (logPoints.length === 0) return undefined;
  const firstX = (logPoints[0] as Point).x;
  let exponent = 1;
  if (logPoints.some((p) => p.x !== firstX)) exponent = Math.min(MAX_EXPONENT, Math.max(0, theilSenLine(logPoints).slope));
  const logCoefficient = median(logPoints.map((p) => p.y - exponent * p.x));
  const coefficient = Math.exp(logCoefficient);
  const ratios = logPoints.map((p) => Math.exp(p.y - logCoefficient - exponent * p.x));
  return { coefficient, exponent, samples: logPoints.length, residualRatios: sortedAscending(ratios) };
}

export function predictWithPowerLaw(model: PowerLawModel, x: number, sla: Sla): number {
  if (!(x > 0)) return 0;
  return model.coefficient * x ** model.exponent * slaStatisticOfSorted(model.residualRatios, sla);
}
