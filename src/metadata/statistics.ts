import type { Sla } from './sla.js';

/**
 * Summary statistics over samples. Percentiles interpolate linearly between closest ranks
 * (Hyndman & Fan type 7, the default of NumPy and R), so the percentile is a non-decreasing
 * function of p and the median is exactly the 50th percentile: p10 <= median <= p90 always.
 *
 * Samples are sorted as Float64Array (a numeric sort with no comparator calls: several times
 * faster than Array#sort with one), and a lone median uses selection, O(n), not a sort.
 */

/** A sorted copy (ascending). */
export function sortedAscending(values: Iterable<number> | ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>).sort();
}

export function mean(values: ArrayLike<number>): number {
  requireSamples(values);
  let sum = 0;
  for (let i = 0; i < values.length; i += 1) sum += values[i] as number;
  return sum / values.length;
}

/** The p-th percentile (0 <= p <= 100) of values already sorted ascending. */
export function percentileOfSorted(sorted: ArrayLike<number>, p: number): number {
  const rank = rankOf(sorted, p);
  const low = Math.floor(rank);
  const high = Math.min(low + 1, sorted.length - 1);
  return interpolate(sorted[low] as number, sorted[high] as number, rank - low);
}

export function percentile(values: ArrayLike<number>, p: number): number {
  return percentileInPlace(Float64Array.from(values), p);
}

export function median(values: ArrayLike<number>): number {
  return percentile(values, 50);
}

/**
 * The p-th percentile by selection instead of sorting; reorders `scratch`. Gives exactly what
 * percentileOfSorted gives on the sorted samples.
 */
export function percentileInPlace(scratch: Float64Array, p: number): number {
  const rank = rankOf(scratch, p);
  const low = Math.floor(rank);
  selectInPlace(scratch, low);
  const lowValue = scratch[low] as number;
  if (low + 1 >= scratch.length) return lowValue;
  // After selection everything above `low` is >= lowValue; the next order statistic is their minimum.
  let highValue = Infinity;
  for (let i = low + 1; i < scratch.length; i += 1) if ((scratch[i] as number) < highValue) highValue = scratch[i] as number;
  return interpolate(lowValue, highValue, rank - low);
}

/** The statistic an SLA names, over samples already sorted ascending. */
export function slaStatisticOfSorted(sorted: ArrayLike<number>, sla: Sla): number {
  if (sla === 'avg') return mean(sorted);
  return percentileOfSorted(sorted, sla === 'median' ? 50 : sla.percentile);
}

function rankOf(values: ArrayLike<number>, p: number): number {
  requireSamples(values);
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile must be within [0, 100], got ${p}`);
  return (p / 100) * (values.length - 1);
}

function interpolate(lowValue: number, highValue: number, weight: number): number {
  if (lowValue === highValue || weight === 0) return lowValue;
  // low + w * (high - low) is monotone in w under rounding (a convex combination is not quite);
  // the clamp keeps it within [low, high], so p never decreases the result across ranks either.
  return Math.min(highValue, lowValue + weight * (highValue - lowValue));
}

/**
 * Moves the k-th smallest value to index k, smaller-or-equal ones before it and greater-or-equal
 * ones after (Wirth's selection, "Algorithms + Data Structures = Programs", 1976).
 */
function selectInPlace(a: Float64Array, k: number): void {
  let left = 0;
  let right = a.length - 1;
  while (left < right) {
    const pivot = a[k] as number;
    let i = left;
    let j = right;
    do {
      while ((a[i] as number) < pivot) i += 1;
      while (pivot < (a[j] as number)) j -= 1;
      if (i <= j) {
        const swap = a[i] as number;
        a[i] = a[j] as number;
        a[j] = swap;
        i += 1;
        j -= 1;
      }
    } while (i <= j);
    if (j < k) left = i;
    if (k < i) right = j;
  }
}

function requireSamples(values: ArrayLike<number>): void {
  if (values.length === 0) throw new RangeError('a statistic of no samples');
}
