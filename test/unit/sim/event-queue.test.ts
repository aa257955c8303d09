import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EventQueue } from '../../../src/sim/event-queue.js';

describe('EventQueue', () => {
  it('pops in time order, ties in insertion order', () => {
    // Prepare
    const queue = new EventQueue<string>();
    queue.push(5, 'late');
    queue.push(1, 'first-at-1');
    queue.push(3, 'mid');
    queue.push(1, 'second-at-1');
    queue.push(1, 'third-at-1');
    // Act
    const order: string[] = [];
    for (let next = queue.pop(); next; next = queue.pop()) order.push(next.value);
    // Assess
    expect(order).toEqual(['first-at-1', 'second-at-1', 'third-at-1', 'mid', 'late']);
    expect(queue.size).toBe(0);
    expect(queue.pop()).toBeUndefined();
  });

  it('matches a stable sort for any interleaving of pushes and pops', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(-1)), { maxLength: 300 }), (ops) => {
        const queue = new EventQueue<number>();
        const reference: { time: number; seq: number }[] = [];
        let seq = 0;
        for (const op of ops) {
          if (op >= 0) {
            queue.push(op, seq);
            reference.push({ time: op, seq });
            seq += 1;
          } else {
            reference.sort((a, b) => a.time - b.time || a.seq - b.seq);
            const expected = reference.shift();
            const got = queue.pop();
            expect(got?.value).toBe(expected?.seq);
            expect(got?.timeMs).toBe(expected?.time);
          }
        }
        expect(queue.size).toBe(reference.length);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects NaN times', () => {
    expect(() => new EventQueue<number>().push(Number.NaN, 1)).toThrow(/NaN/);
  });
});
