import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import {
  AWS_PROFILE,
  CostProfileSchema,
  DETERMINISTIC_PROFILE,
  builtinProfile,
  cpuShare,
  cpuSlowdown,
  functionBytesPerMs,
  parseCostProfile,
} from '../../../src/cost/profile.js';
import { SeededRandom } from '../../../src/sim/seeded-random.js';

describe('cost profiles', () => {
  it('the built-in profiles satisfy their own schema', () => {
    expect(() => CostProfileSchema.parse(AWS_PROFILE)).not.toThrow();
    expect(() => CostProfileSchema.parse(DETERMINISTIC_PROFILE)).not.toThrow();
    expect(builtinProfile('aws')).toBe(AWS_PROFILE);
    expect(builtinProfile('toString')).toBeUndefined();
  });

  it('carries the AWS figures of DESIGN.md §6', () => {
    expect(AWS_PROFILE.lambda.usdPerGbSecond).toBe(0.0000166667);
    expect(AWS_PROFILE.lambda.usdPerRequest * 1e6).toBeCloseTo(0.2, 12);
    expect(AWS_PROFILE.lambda.coldStart).toEqual({ medianMs: 250, p90Ms: 600 });
    expect(AWS_PROFILE.lambda.invokeApi.medianMs).toBe(50);
    expect(AWS_PROFILE.lambda.accountConcurrency).toBe(1000);
    expect(AWS_PROFILE.coordination.opLatency.medianMs).toBe(0.4);
  });

  it('CPU share: 1,769 MB is one vCPU, capped at 6; less memory slows single-threaded work', () => {
    expect(cpuShare(AWS_PROFILE, 1769)).toBe(1);
    expect(cpuShare(AWS_PROFILE, 10_240)).toBeCloseTo(5.79, 2);
    expect(cpuShare(AWS_PROFILE, 20_000)).toBe(6);
    expect(cpuSlowdown(AWS_PROFILE, 3008)).toBe(1);
    expect(cpuSlowdown(AWS_PROFILE, 884.5)).toBeCloseTo(2, 9);
  });

  it('interpolates per-function bandwidth by memory and clamps at the ends', () => {
    const s3 = AWS_PROFILE.stores.s3;
    expect(functionBytesPerMs(s3, 128)).toBe(50_000);
    expect(functionBytesPerMs(s3, 64)).toBe(50_000);
    expect(functionBytesPerMs(s3, 1769)).toBe(90_000);
    expect(functionBytesPerMs(s3, 10_240)).toBe(90_000);
    expect(functionBytesPerMs(s3, (128 + 1769) / 2)).toBeCloseTo(70_000, 6);
  });

  it('parses a JSON profile that extends a built-in one', () => {
    const profile = parseCostProfile({ extends: 'aws', name: 'slow-starts', lambda: { coldStart: { medianMs: 900, p90Ms: 2000 } } });
    expect(profile.name).toBe('slow-starts');
    expect(profile.lambda.coldStart.medianMs).toBe(900);
    expect(profile.lambda.warmStart).toEqual(AWS_PROFILE.lambda.warmStart);
    expect(Object.isFrozen(profile.lambda)).toBe(true);
  });

  it('names the bad field of an invalid profile', () => {
    expect(() => parseCostProfile({ extends: 'aws', lambda: { coldStart: { medianMs: 900, p90Ms: 100 } } })).toThrow(/lambda\.coldStart.*p90Ms must be at least medianMs/);
    expect(() => parseCostProfile({ extends: 'aws', lambda: { colds: 1 } })).toThrow(BadInputError);
    expect(() => parseCostProfile({ extends: 'gcp' })).toThrow(/extends "gcp"/);
    // Names every object inherits are no built-in profile.
    expect(() => parseCostProfile({ extends: 'constructor' })).toThrow(/extends "constructor"; built-in profiles/);
    expect(() => parseCostProfile({ extends: 'toString' })).toThrow(/extends "toString"; built-in profiles/);
    expect(() => parseCostProfile({ name: 'partial' })).toThrow(/invalid cost profile/);
  });
});

describe('SeededRandom', () => {
  it('draws lognormals with the requested median and p90', () => {
    const random = new SeededRandom(42, 1);
    const draws = Array.from({ length: 20_000 }, () => random.lognormal({ medianMs: 250, p90Ms: 600 })).sort((a, b) => a - b);
    expect(draws[10_000]).toBeGreaterThan(235);
    expect(draws[10_000]).toBeLessThan(265);
    expect(draws[18_000]).toBeGreaterThan(560);
    expect(draws[18_000]).toBeLessThan(640);
  });

  it('is fixed when p90 equals the median, and repeatable per seed and stream', () => {
    expect(new SeededRandom(1, 1).lognormal({ medianMs: 7, p90Ms: 7 })).toBe(7);
    const a = new SeededRandom(9, 2);
    const b = new SeededRandom(9, 2);
    const c = new SeededRandom(9, 3);
    const seq = (r: SeededRandom) => Array.from({ length: 5 }, () => r.uniform());
    const first = seq(a);
    expect(seq(b)).toEqual(first);
    expect(seq(c)).not.toEqual(first);
    for (const u of first) expect(u >= 0 && u < 1).toBe(true);
  });
});
