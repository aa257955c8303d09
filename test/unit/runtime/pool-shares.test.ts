import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shares, sharesOneByOne } from '../../../src/runtime/embedded/thread-pool.js';

describe('thread pool shares', () => {
  it('are what filling one invocation at a time to the least loaded thread gives, long queues included', () => {
    const load = fc.oneof(fc.integer({ min: 0, max: 70 }), fc.constant(Number.POSITIVE_INFINITY));
    fc.assert(
      fc.property(fc.array(load, { minLength: 1, maxLength: 17 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 2_000 }), (loads, perThread, queued) => {
        expect(shares(loads, perThread, queued)).toEqual(sharesOneByOne(loads, perThread, queued));
      }),
      { numRuns: 500 },
    );
  });

  it('give a thread that is not ready nothing, and a full queue fills every ready thread to its room', () => {
    expect(shares([0, Number.POSITIVE_INFINITY, 60], 64, 10_000)).toEqual([64, 0, 4]);
    expect(shares([3, 0], 4, 2)).toEqual([0, 2]);
  });
});
