import { describe, expect, it } from 'vitest';
import { parseTiers, vcpuMatchesMemory, vcpuOfMemory } from '../../../src/plan/tiers.js';

describe('tiers', () => {
  it('parses a tier list, ascending; refuses non-numbers, sizes Lambda lacks, and repeats', () => {
    expect(parseTiers('3008, 1024,1769')).toEqual([1024, 1769, 3008]);
    expect(() => parseTiers('1024,1.5')).toThrow(/--tiers: "1.5" is not a whole number/);
    expect(() => parseTiers('100')).toThrow(/100 is not a Lambda memory size/);
    expect(() => parseTiers('20480')).toThrow(/20480 is not a Lambda memory size/);
    expect(() => parseTiers('1024,1024')).toThrow(/1024 is listed twice/);
  });

  it('gives Lambda vCPUs for memory: min(6, MB / 1769), rounding to 2 decimals allowed', () => {
    expect(vcpuOfMemory(1769)).toBe(1);
    expect(vcpuOfMemory(10_240)).toBe(5.789);
    expect(vcpuOfMemory(3008)).toBe(1.7);
    expect(vcpuMatchesMemory(3008, 1.7)).toBe(true);
    expect(vcpuMatchesMemory(3008, 1.69)).toBe(false);
    expect(vcpuMatchesMemory(3008, 1.6)).toBe(false);
    expect(vcpuMatchesMemory(10_240, 6)).toBe(false);
  });
});
