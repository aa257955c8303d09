import { describe, expect, it } from 'vitest';
import { mainTierOf, TIER_STREAM_BASE, tierStreamOf } from '../../../src/sim/tier-streams.js';

describe('tier start-up streams', () => {
  it('the main tier is the one most workers use, the smaller on a tie', () => {
    expect(mainTierOf([1769, 1024, 1769, 3008])).toBe(1769);
    expect(mainTierOf([3008, 1024])).toBe(1024);
    expect(mainTierOf([])).toBeUndefined();
  });

  it('a one-tier plan draws from the base stream, whatever its tier', () => {
    for (const memoryMb of [1024, 1769, 3008]) expect(tierStreamOf(memoryMb, mainTierOf([memoryMb, memoryMb]))).toBe(TIER_STREAM_BASE);
  });

  it("a tier's stream does not depend on the plan's other tiers, and no two tiers share one", () => {
    const uniform = [1769, 1769, 1769, 1769];
    const withSmall = [1024, 1769, 1769, 1769];
    const withBoth = [1024, 1769, 1769, 3008];
    const streamOf = (tiers: number[], memoryMb: number) => tierStreamOf(memoryMb, mainTierOf(tiers));
    expect(streamOf(withSmall, 1769)).toBe(streamOf(uniform, 1769));
    expect(streamOf(withBoth, 1769)).toBe(streamOf(uniform, 1769));
    expect(streamOf(withBoth, 1024)).toBe(streamOf(withSmall, 1024));
    expect(new Set([1024, 1769, 3008].map((mb) => streamOf(withBoth, mb))).size).toBe(3);
    // Below the base: SimEngine's own streams.
    expect(Math.min(...[1024, 1769, 3008].map((mb) => streamOf(withBoth, mb)))).toBeGreaterThanOrEqual(TIER_STREAM_BASE);
  });
});
