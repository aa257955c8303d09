import { closeSync, openSync, readlinkSync, readSync } from 'node:fs';

/**
 * CPU time of single threads, where the host tells it: Linux's `/proc/.../schedstat`, whose first
 * field is the thread's time on a CPU in nanoseconds. Node 20 has no per-thread CPU clock
 * (`process.cpuUsage()` covers the whole process, every executor thread and V8's own threads), and
 * on shared cores a task's wall time holds its waits for a core, which the simulator's shared
 * cores model on their own (bench/sim-fidelity.ts).
 *
 * The kernel updates the figure when the thread is switched out and at each scheduler tick, so one
 * reading lags the truth by up to a tick (1-4 ms): a single short op may read 0 ms, while the sum
 * over many is right on average. Elsewhere than Linux every function here answers undefined.
 */

const SCHEDSTAT_BYTES = 64;

/** A clock of the calling thread's CPU time in ms (one pread per reading), or undefined. */
export function openThreadCpuClock(): (() => number) | undefined {
  let fd: number;
  try {
    fd = openSync('/proc/thread-self/schedstat', 'r');
  } catch {
    return undefined;
  }
  const buffer = Buffer.alloc(SCHEDSTAT_BYTES);
  const clock = () => nanosToMs(buffer, readSync(fd, buffer, 0, SCHEDSTAT_BYTES, 0));
  try {
    clock();
  } catch {
    closeSync(fd);
    return undefined;
  }
  return clock;
}

/** The OS id of the calling thread (Linux: the `task` entry of /proc/thread-self), or undefined. */
export function currentThreadId(): number | undefined {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : undefined;
  } catch {
    return undefined;
  }
}

/** CPU time so far of thread `tid` of this process in ms, or undefined (not Linux, or it ended). */
export function threadCpuMsOf(tid: number): number | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(`/proc/self/task/${tid}/schedstat`, 'r');
    const buffer = Buffer.alloc(SCHEDSTAT_BYTES);
    return nanosToMs(buffer, readSync(fd, buffer, 0, SCHEDSTAT_BYTES, 0));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function nanosToMs(buffer: Buffer, length: number): number {
  const text = buffer.toString('latin1', 0, length);
  const nanos = Number(text.slice(0, text.indexOf(' ')));
  if (!Number.isFinite(nanos)) throw new Error(`unreadable schedstat: ${JSON.stringify(text)}`);
  return nanos / 1e6;
}
