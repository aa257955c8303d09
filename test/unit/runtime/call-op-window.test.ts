import { describe, expect, it } from 'vitest';
import { bytes } from '../../../src/data/value.js';
import { callOp, type OpRunWindow } from '../../../src/runtime/call-op.js';
import type { OpDefinition } from '../../../src/ops/op-definition.js';

/** An op that keeps its thread busy for `ms` (synchronous), or waits `ms` (asynchronous). */
function timedOp(mode: 'spin' | 'sleep'): OpDefinition<{ ms: number }> {
  return {
    name: `test.${mode}`,
    outputs: 1,
    run: (_inputs: unknown, args: { ms: number }) => {
      const until = performance.now() + args.ms;
      if (mode === 'sleep') return new Promise((resolve) => setTimeout(() => resolve([bytes(new Uint8Array(1))]), args.ms));
      while (performance.now() < until) {
        /* busy */
      }
      return [bytes(new Uint8Array(1))];
    },
  } as unknown as OpDefinition<{ ms: number }>;
}

const clock = () => performance.now();

describe('callOp run window', () => {
  it("holds only the op's own run when executors of one thread start their ops in the same tick", async () => {
    // Both calls queue their op as a microtask before either runs: awaiting callOp from before the
    // first to after the second would give each about 2 x 40 ms.
    const windows: OpRunWindow[] = [0, 1].map(() => ({ startAt: Number.NaN, endAt: Number.NaN }));
    const spin = timedOp('spin');
    const before = clock();
    await Promise.all(windows.map((into) => callOp(spin, [], { ms: 40 }, undefined, { now: clock, into })));
    const around = clock() - before;
    expect(around).toBeGreaterThanOrEqual(80);
    for (const w of windows) {
      expect(w.endAt - w.startAt).toBeGreaterThanOrEqual(40);
      // Less than both spins (what a window around the await holds); a preemption on a loaded
      // machine may stretch one spin past 40 ms (60.4 ms seen in CI beside other suites).
      expect(w.endAt - w.startAt).toBeLessThan(80);
      expect(w.awaited).toBeUndefined();
    }
    // One ran after the other.
    const [a, b] = [...windows].sort((x, y) => x.startAt - y.startAt);
    expect(b!.startAt).toBeGreaterThanOrEqual(a!.endAt);
  });

  it('marks an op that returned a promise as awaited, its window ending when the promise settles', async () => {
    const into: OpRunWindow = { startAt: Number.NaN, endAt: Number.NaN };
    await callOp(timedOp('sleep'), [], { ms: 30 }, 5_000, { now: clock, into });
    expect(into.awaited).toBe(true);
    expect(into.endAt - into.startAt).toBeGreaterThanOrEqual(25);
  });

  it("reads a given CPU clock around a synchronous op's own run, and not for an op that awaited", async () => {
    // A fake CPU clock that advances 7 ms per reading: the op's CPU is one step, whatever else ran.
    let cpu = 100;
    const cpuClock = () => (cpu += 7);
    const sync: OpRunWindow = { startAt: Number.NaN, endAt: Number.NaN };
    await callOp(timedOp('spin'), [], { ms: 1 }, undefined, { now: clock, cpu: cpuClock, into: sync });
    expect(sync.cpuMs).toBe(7);
    const awaited: OpRunWindow = { startAt: Number.NaN, endAt: Number.NaN };
    await callOp(timedOp('sleep'), [], { ms: 5 }, 5_000, { now: clock, cpu: cpuClock, into: awaited });
    expect(awaited.awaited).toBe(true);
    expect(awaited.cpuMs).toBeUndefined();
    // An awaiting op: one step until it returned its promise, two until it settled.
    expect(awaited.prefixCpuMs).toBe(7);
    expect(awaited.windowCpuMs).toBe(14);
    // Without a clock, nothing is read.
    const plain: OpRunWindow = { startAt: Number.NaN, endAt: Number.NaN };
    await callOp(timedOp('spin'), [], { ms: 1 }, undefined, { now: clock, into: plain });
    expect(plain.cpuMs).toBeUndefined();
    const plainAwaited: OpRunWindow = { startAt: Number.NaN, endAt: Number.NaN };
    await callOp(timedOp('sleep'), [], { ms: 1 }, undefined, { now: clock, into: plainAwaited });
    expect(plainAwaited.prefixCpuMs).toBeUndefined();
    expect(plainAwaited.windowCpuMs).toBeUndefined();
  });
});
