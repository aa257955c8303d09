import { describe, expect, it } from 'vitest';
import { formatLowerBound } from '../../../src/cli/format-summary.js';

describe('the simulated lower bound line', () => {
  it('prints the ratio of makespan to a lower bound of some length', () => {
    expect(formatLowerBound({ lowerBoundMs: 5000, makespanOverLowerBound: 1.3925 })).toBe('  lower bound      5000.0 ms (critical path of run times); makespan / lower bound 1.39');
  });

  it('prints "-" where the bound rounds to 0.0 ms (near-instant tasks), not a ratio in the millions', () => {
    expect(formatLowerBound({ lowerBoundMs: 0.0000657, makespanOverLowerBound: 232_442_102.46 })).toMatch(/0\.0 ms .*makespan \/ lower bound -$/);
    expect(formatLowerBound({ lowerBoundMs: 0, makespanOverLowerBound: Number.POSITIVE_INFINITY })).toMatch(/lower bound -$/);
  });
});
