import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { FifoQueue } from '../../../src/runtime/embedded/fifo-queue.js';

describe('FifoQueue', () => {
  it('takes in order, puts an unshifted item first, and counts what is left', () => {
    // Prepare
    const queue = new FifoQueue<number>();
    for (let i = 0; i < 10; i += 1) queue.push(i);
    // Act / Assess
    expect(queue.take(3)).toEqual([0, 1, 2]);
    queue.unshift(-1);
    expect(queue.length).toBe(8);
    expect(queue.take(2)).toEqual([-1, 3]);
    expect(queue.take(100)).toEqual([4, 5, 6, 7, 8, 9]);
    expect(queue.length).toBe(0);
    queue.unshift(7);
    expect(queue.take(1)).toEqual([7]);
  });

  it('behaves as an array used with push, unshift and splice(0, n), whatever the mix', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('unshift' as const), value: fc.integer() }),
      fc.record({ kind: fc.constant('take' as const), value: fc.nat(12) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const queue = new FifoQueue<number>();
        const reference: number[] = [];
        for (const { kind, value } of ops) {
          if (kind === 'push') {
            queue.push(value);
            reference.push(value);
          } else if (kind === 'unshift') {
            queue.unshift(value);
            reference.unshift(value);
          } else {
            expect(queue.take(value)).toEqual(reference.splice(0, value));
          }
          expect(queue.length).toBe(reference.length);
        }
      }),
      { numRuns: 200 },
    );
  });
});
