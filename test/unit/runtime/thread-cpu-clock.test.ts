import { pid } from 'node:process';
import { describe, expect, it } from 'vitest';
import { currentThreadId, openThreadCpuClock, threadCpuMsOf } from '../../../src/runtime/embedded/thread-cpu-clock.js';

/** Spins until the process has spent `ms` of CPU (not of wall time: a loaded machine deschedules us). */
function spinCpu(ms: number): void {
  const start = process.cpuUsage();
  for (;;) {
    const used = process.cpuUsage(start);
    if ((used.user + used.system) / 1000 >= ms) return;
  }
}

describe('thread CPU clock', () => {
  it('on Linux, counts the CPU this thread spends, and reads other threads of the process by id; elsewhere, tells nothing', () => {
    const clock = openThreadCpuClock();
    if (process.platform !== 'linux') {
      expect(clock).toBeUndefined();
      expect(currentThreadId()).toBeUndefined();
      expect(threadCpuMsOf(pid)).toBeUndefined();
      return;
    }
    expect(clock).toBeDefined();
    // The main thread's OS id is the process id.
    expect(currentThreadId()).toBe(pid);
    const before = clock!();
    const beforeById = threadCpuMsOf(pid)!;
    spinCpu(60);
    const spent = clock!() - before;
    // The spin is this thread's: most of the process's 60 ms (the rest is V8's and libuv's
    // threads), never more, give or take one scheduler tick of lag in either reading.
    expect(spent).toBeGreaterThan(40);
    expect(spent).toBeLessThan(60 + 10);
    expect(threadCpuMsOf(pid)! - beforeById).toBeGreaterThan(40);
  });

  it('answers undefined for a thread that does not exist', () => {
    expect(threadCpuMsOf(2 ** 31 - 2)).toBeUndefined();
  });
});
