import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shares } from '../../../src/runtime/embedded/thread-pool.js';

/** Water filling one invocation at a time, as the pool did for every invocation. */
function oneByOne(loads: readonly number[], perThread: number, queued: number): number[] {
  const counts = loads.map(() => 0);
  for (let taken = 0; taken < queued; taken += 1) {
    let best = -1;
    for (let i = 0; i < loads.length; i += 1) {
      const load = (loads[i] as number) + (counts[i] as number);
      if (load < perThread && (best < 0 || load < (loads[best] as number) + (counts[best] as number))) best = i;
    }
    if (best < 0) break;
    counts[best] = (counts[best] as number) + 1;
  }
  return counts;
}

describe('thread pool shares', () => {
  it('are what filling one invocation at a time to the least loaded thread gives, long queues included', () => {
    const load = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constant(Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(fc.array(load, { minLength: 1, maxLength: 17 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 2_000 }), (loads, perThread, queued) => {
        expect(shares(loads, perThread, queued)).toEqual(oneByOne(loads, perThread, queued));
      }),
      { numRuns: 500 },
    );
  });

  it('give a thread that is not ready nothing, and a full queue fills every ready thread to its room', () => {
    expect(shares([0, Number.POSITIVE_INFINITY, 60], 64, 10_000)).toEqual([64, 0, 4]);
    expect(shares([3, 0], 4, 2)).toEqual([0, 2]);
  });
});
