import { describe, expect, it } from 'vitest';
import { fitPowerLaw, MAX_EXPONENT, predictWithPowerLaw } from '../../../src/metadata/power-law-fit.js';

describe('fitPowerLaw', () => {
  it('recovers y = 3 x^1.5 exactly (an n x n matmul against the bytes it touches)', () => {
    const model = fitPowerLaw([1e3, 4e3, 9e3, 16e3].map((x) => ({ x, y: 3 * x ** 1.5 })));
    expect(model?.exponent).toBeCloseTo(1.5, 9);
    expect(predictWithPowerLaw(model!, 25e3, 'median')).toBeCloseTo(3 * 25e3 ** 1.5, 3);
  });

  it('ignores a wild outlier (Theil–Sen on logs)', () => {
    const points = [1, 2, 3, 4, 5, 6].map((k) => ({ x: k * 1000, y: 2 * k * 1000 }));
    points.push({ x: 3500, y: 1e9 });
    const model = fitPowerLaw(points)!;
    expect(model.exponent).toBeCloseTo(1, 1);
    expect(predictWithPowerLaw(model, 10_000, 'median')).toBeGreaterThan(18_000);
    expect(predictWithPowerLaw(model, 10_000, 'median')).toBeLessThan(22_000);
  });

  it('is proportional with one distinct x, and orders SLAs p10 <= median <= p90', () => {
    const model = fitPowerLaw([10, 12, 14].map((y) => ({ x: 100, y })))!;
    expect(model.exponent).toBe(1);
    expect(predictWithPowerLaw(model, 200, 'median')).toBeCloseTo(24, 9);
    const p10 = predictWithPowerLaw(model, 200, { percentile: 10 });
    const p90 = predictWithPowerLaw(model, 200, { percentile: 90 });
    expect(p10).toBeLessThanOrEqual(24);
    expect(p90).toBeGreaterThanOrEqual(24);
  });

  it('clamps the exponent to [0, MAX_EXPONENT] and skips points a log cannot take', () => {
    expect(fitPowerLaw([{ x: 1, y: 1 }, { x: 2, y: 1000 }])?.exponent).toBe(MAX_EXPONENT);
    expect(fitPowerLaw([{ x: 1, y: 10 }, { x: 2, y: 5 }])?.exponent).toBe(0);
    expect(fitPowerLaw([{ x: 0, y: 5 }, { x: 5, y: 0 }])).toBeUndefined();
    expect(predictWithPowerLaw(fitPowerLaw([{ x: 10, y: 10 }])!, 0, 'median')).toBe(0);
  });
});
