import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inverseStandardNormal, latencyPriorCdf, latencyPriorStatistic } from '../../../src/metadata/latency-prior.js';
import { fitNonNegativeLine, theilSenLine } from '../../../src/metadata/robust-fit.js';
import { mean, median, percentile, percentileInPlace, percentileOfSorted, slaStatisticOfSorted } from '../../../src/metadata/statistics.js';
import { mulberry32 } from '../../helpers/mulberry32.js';

describe('percentiles', () => {
  it('interpolate linearly between closest ranks (type 7, as NumPy)', () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 0)).toBe(15);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 40)).toBeCloseTo(29, 10); // numpy.percentile([15,20,35,40,50], 40) == 29.0
    expect(percentile(values, 90)).toBeCloseTo(46, 10);
    expect(median([3, 1, 2, 10])).toBe(2.5);
    expect(mean([1, 2, 3, 6])).toBe(3);
  });

  it('refuse no samples and out-of-range p', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(/within \[0, 100\]/);
  });

  it('are non-decreasing in p for any samples, with median the 50th percentile', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 1, maxLength: 40 }), fc.double({ min: 0, max: 100, noNaN: true }), fc.double({ min: 0, max: 100, noNaN: true }), (values, p, q) => {
        const sorted = [...values].sort((a, b) => a - b);
        const [low, high] = p <= q ? [p, q] : [q, p];
        expect(percentileOfSorted(sorted, low)).toBeLessThanOrEqual(percentileOfSorted(sorted, high));
        expect(slaStatisticOfSorted(sorted, 'median')).toBe(percentileOfSorted(sorted, 50));
      }),
      { numRuns: 300 },
    );
  });
});

describe('percentile by selection', () => {
  it('equals the percentile of the sorted samples, duplicates and all', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -5, max: 5 }).map((v) => v / 2), { minLength: 1, maxLength: 60 }), fc.double({ min: 0, max: 100, noNaN: true }), (values, p) => {
        const sorted = [...values].sort((a, b) => a - b);
        expect(percentileInPlace(Float64Array.from(values), p)).toBe(percentileOfSorted(sorted, p));
      }),
      { numRuns: 500 },
    );
  });
});

describe('robust line fit', () => {
  it('recovers a noiseless line exactly', () => {
    const points = [1, 2, 3, 4, 5].map((x) => ({ x, y: 3 + 2 * x }));
    expect(theilSenLine(points)).toEqual({ intercept: 3, slope: 2 });
  });

  it('recovers the slope within 10% with 20% wild outliers (least squares would not)', () => {
    const random = mulberry32(7);
    const trueSlope = 0.002; // ms per byte
    const trueIntercept = 40;
    const points = Array.from({ length: 200 }, (_, i) => {
      const x = 10_000 + Math.floor(random() * 5_000_000);
      const noise = 1 + (random() - 0.5) * 0.1; // ±5%
      const y = (trueIntercept + trueSlope * x) * noise;
      // Every fifth sample is an outlier: 5-20x slower (a cold cache, a noisy neighbour), or near zero.
      if (i % 5 === 0) return { x, y: i % 10 === 0 ? y * (5 + 15 * random()) : y * 0.01 };
      return { x, y };
    });
    const fit = fitNonNegativeLine(points, { kind: 'proportional' });
    expect(fit.method).toBe('theil-sen');
    expect(Math.abs(fit.slope - trueSlope) / trueSlope).toBeLessThan(0.1);
    // The contrast: an ordinary least-squares slope is dragged far off by the same data.
    const meanX = mean(points.map((p) => p.x));
    const meanY = mean(points.map((p) => p.y));
    const olsSlope = points.reduce((s, p) => s + (p.x - meanX) * (p.y - meanY), 0) / points.reduce((s, p) => s + (p.x - meanX) ** 2, 0);
    expect(Math.abs(olsSlope - trueSlope) / trueSlope).toBeGreaterThan(0.5);
  });

  it('subsamples large inputs and still recovers the line', () => {
    const points = Array.from({ length: 2000 }, (_, i) => ({ x: i * 1000, y: 5 + 0.01 * i * 1000 }));
    const fit = fitNonNegativeLine(points, { kind: 'proportional' });
    expect(fit.slope).toBeCloseTo(0.01, 10);
    expect(fit.intercept).toBeCloseTo(5, 6);
  });

  it('with one input size: proportional through the median, anchored at a latency, or flat at size 0', () => {
    const atOneSize = [10, 12, 11, 50].map((y) => ({ x: 1000, y }));
    expect(fitNonNegativeLine(atOneSize, { kind: 'proportional' })).toEqual({ intercept: 0, slope: 11.5 / 1000, method: 'proportional' });
    expect(fitNonNegativeLine(atOneSize, { kind: 'anchored', intercept: 1.5 })).toEqual({ intercept: 1.5, slope: 10 / 1000, method: 'anchored' });
    // A latency prior above every observation is lowered to the observed median.
    expect(fitNonNegativeLine(atOneSize, { kind: 'anchored', intercept: 100 })).toEqual({ intercept: 11.5, slope: 0, method: 'anchored' });
    expect(fitNonNegativeLine([{ x: 0, y: 3 }, { x: 0, y: 5 }], { kind: 'proportional' })).toEqual({ intercept: 4, slope: 0, method: 'constant' });
  });

  it('never fits a negative slope or intercept', () => {
    const falling = [1, 2, 3, 4].map((x) => ({ x, y: 10 - x }));
    expect(fitNonNegativeLine(falling, { kind: 'proportional' })).toMatchObject({ slope: 0, intercept: 7.5, method: 'constant' });
    const belowOrigin = [10, 20, 30].map((x) => ({ x, y: 2 * x - 5 }));
    const fit = fitNonNegativeLine(belowOrigin, { kind: 'proportional' });
    expect(fit).toMatchObject({ intercept: 0, method: 'through-origin' });
    expect(fit.slope).toBeCloseTo(1.75, 10); // median of 15/10, 35/20, 55/30
  });
});

describe('latency priors (log-normal through median and p90)', () => {
  it('reproduce their median and p90, and order p10 < median < avg < p90 for a right skew', () => {
    const prior = { medianMs: 250, p90Ms: 600 };
    expect(latencyPriorStatistic(prior, 'median')).toBe(250);
    expect(latencyPriorStatistic(prior, { percentile: 90 })).toBeCloseTo(600, 5);
    const p10 = latencyPriorStatistic(prior, { percentile: 10 });
    expect(p10).toBeCloseTo((250 * 250) / 600, 5); // symmetric in log space
    expect(latencyPriorStatistic(prior, 'avg')).toBeGreaterThan(250);
    expect(latencyPriorStatistic(prior, 'avg')).toBeLessThan(600);
    expect(Number.isFinite(latencyPriorStatistic(prior, { percentile: 100 }))).toBe(true);
  });

  it('inverse normal matches known quantiles', () => {
    expect(inverseStandardNormal(0.975)).toBeCloseTo(1.959963985, 7);
    expect(inverseStandardNormal(0.01)).toBeCloseTo(-2.326347874, 7);
    expect(inverseStandardNormal(0.5)).toBe(0);
  });
});

describe('latency prior CDF', () => {
  it('inverts the prior statistic: P(latency <= the p-th percentile) = p', () => {
    const prior = { medianMs: 250, p90Ms: 600 };
    fc.assert(
      fc.property(fc.double({ min: 1, max: 99, noNaN: true }), (p) => {
        expect(latencyPriorCdf(prior, latencyPriorStatistic(prior, { percentile: p }))).toBeCloseTo(p / 100, 6);
      }),
    );
    expect(latencyPriorCdf(prior, 0)).toBe(0);
    expect(latencyPriorCdf({ medianMs: 250, p90Ms: 250 }, 249)).toBe(0);
    expect(latencyPriorCdf({ medianMs: 250, p90Ms: 250 }, 250)).toBe(1);
  });
});
