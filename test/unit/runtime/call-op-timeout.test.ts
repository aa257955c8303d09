import { describe, expect, it } from 'vitest';
import { bytes } from '../../../src/data/value.js';
import { callOp } from '../../../src/runtime/call-op.js';
import type { OpDefinition } from '../../../src/ops/op-definition.js';

/** An op that holds its thread for `ms` (synchronously), then returns or resolves one value. */
function blockingOp(shape: 'sync' | 'blocks-then-awaits'): OpDefinition<{ ms: number }> {
  return {
    name: `test.${shape}`,
    outputs: 1,
    run: (_inputs: unknown, args: { ms: number }) => {
      const until = performance.now() + args.ms;
      while (performance.now() < until) {
        /* busy: no timer can fire */
      }
      const outputs = [bytes(new Uint8Array(1))];
      return shape === 'sync' ? outputs : Promise.resolve(outputs);
    },
  } as unknown as OpDefinition<{ ms: number }>;
}

const sleepingOp = {
  name: 'test.sleep',
  outputs: 1,
  run: (_inputs: unknown, args: { ms: number }) => new Promise((resolve) => setTimeout(() => resolve([bytes(new Uint8Array(1))]), args.ms)),
} as unknown as OpDefinition<{ ms: number }>;

describe('callOp task timeout', () => {
  it('an op that blocks past the timeout fails, though it returned before the timer could fire', async () => {
    await expect(callOp(blockingOp('sync'), [], { ms: 60 }, 20)).rejects.toThrow(/op test\.sync did not return within the task timeout of 20 ms \(it returned after \d+ ms\)/);
    await expect(callOp(blockingOp('blocks-then-awaits'), [], { ms: 60 }, 20)).rejects.toThrow(/op test\.blocks-then-awaits did not return within the task timeout of 20 ms/);
  });

  it('an asynchronous op past the timeout fails when the timer fires', async () => {
    const started = performance.now();
    await expect(callOp(sleepingOp, [], { ms: 2_000 }, 30)).rejects.toThrow(/op test\.sleep did not return within the task timeout of 30 ms$/);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('ops within the timeout, or without one, return their outputs', async () => {
    expect(await callOp(blockingOp('sync'), [], { ms: 5 }, 1_000)).toHaveLength(1);
    expect(await callOp(sleepingOp, [], { ms: 5 }, 1_000)).toHaveLength(1);
    expect(await callOp(blockingOp('sync'), [], { ms: 30 }, undefined)).toHaveLength(1);
  });

  it("an op's time is its own: one queued behind another op of the same tick is not charged for it", async () => {
    // Both calls queue their op as a microtask before either runs; the second starts after the
    // first's 40 ms and must not count them against its own 30 ms timeout.
    const results = await Promise.allSettled([
      callOp(blockingOp('sync'), [], { ms: 40 }, 1_000),
      callOp(blockingOp('sync'), [], { ms: 5 }, 30),
      callOp(sleepingOp, [], { ms: 5 }, 30), // its timer starts when it is called, not when queued
    ]);
    expect(results.map((r) => (r.status === 'rejected' ? String(r.reason) : r.status))).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
  });
});
