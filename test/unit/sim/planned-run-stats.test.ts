import { describe, expect, it } from 'vitest';
import { summedStartFigures, tierSummary } from '../../../src/sim/planned-run-stats.js';

describe('planned-run stats', () => {
  it('sums start-ups over tiers, takes the largest pending queue, and bounds the concurrent peak by the sum', () => {
    const tier = (cold: number, warm: number, queued: number, pending: number, peak: number) => ({
      coldStarts: cold,
      warmStarts: warm,
      queuedInvocations: queued,
      maxPendingInvocations: pending,
      maxConcurrentExecutions: peak,
    });
    expect(summedStartFigures([tier(3, 1, 0, 2, 4), tier(5, 0, 7, 6, 9)])).toEqual(tier(8, 1, 7, 6, 13));
    expect(summedStartFigures([])).toEqual(tier(0, 0, 0, 0, 0));
  });

  it('summarizes workers by tier, smallest tier first', () => {
    expect(tierSummary(new Map([[0, 3008], [1, 1769], [2, 1769]]))).toBe('1769x2,3008x1');
    expect(tierSummary(new Map())).toBe('');
  });
});
