import { Worker } from 'node:worker_threads';
import { threadCpuMsOf } from '../src/runtime/embedded/thread-cpu-clock.js';

/** Samples kept: a run of up to ~65 s at one a millisecond. */
const SAMPLES = 65_536;

/**
 * The main thread's CPU time as read from another thread, every millisecond: so a bench can tell
 * how much of the main thread's CPU a run spent before its last output (the makespan's end),
 * without calling anything on the main thread at that moment. After the last output the client
 * still reads the executors' reports (compact bodies are parsed then) and cleans up; that work
 * is not on any thread's way. Linux only (schedstat); `cpuAt` answers undefined elsewhere.
 *
 * Samples are (epoch ms, CPU ms) pairs in a ring of shared memory; the kernel updates a thread's
 * CPU figure at each switch and tick, so a reading lags by up to a tick (1-4 ms).
 */
export class MainCpuSampler {
  private readonly samples = new Float64Array(new SharedArrayBuffer(SAMPLES * 2 * 8));
  private readonly count = new Int32Array(new SharedArrayBuffer(4));
  /** The sampler's own CPU ms so far (a bench takes it out of the process's CPU). */
  private readonly ownCpu = new Float64Array(new SharedArrayBuffer(8));
  private readonly worker: Worker | undefined;

  constructor() {
    if (threadCpuMsOf(process.pid) === undefined) return;
    const code = `
      const { workerData } = require('node:worker_threads');
      const { openSync, readSync } = require('node:fs');
      const { samples, count, ownCpu, pid, size } = workerData;
      const main = openSync('/proc/self/task/' + pid + '/schedstat', 'r');
      const own = openSync('/proc/thread-self/schedstat', 'r');
      const buffer = Buffer.alloc(64);
      const cpuMs = (fd) => {
        const text = buffer.toString('latin1', 0, readSync(fd, buffer, 0, 64, 0));
        return Number(text.slice(0, text.indexOf(' '))) / 1e6;
      };
      const sleeper = new Int32Array(new SharedArrayBuffer(4));
      for (;;) {
        const i = Atomics.load(count, 0) % size;
        samples[2 * i] = Date.now();
        samples[2 * i + 1] = cpuMs(main);
        Atomics.add(count, 0, 1);
        ownCpu[0] = cpuMs(own);
        Atomics.wait(sleeper, 0, 0, 1);
      }`;
    this.worker = new Worker(code, { eval: true, workerData: { samples: this.samples, count: this.count, ownCpu: this.ownCpu, pid: process.pid, size: SAMPLES } });
    this.worker.unref();
  }

  /** The main thread's CPU ms at the last sample taken at or before `epochMs`, or undefined. */
  cpuAt(epochMs: number): number | undefined {
    const n = Atomics.load(this.count, 0);
    let found: number | undefined;
    for (let k = Math.max(0, n - SAMPLES); k < n; k += 1) {
      const i = k % SAMPLES;
      if ((this.samples[2 * i] as number) > epochMs) break;
      found = this.samples[2 * i + 1];
    }
    return found;
  }

  /** The sampler thread's own CPU ms so far (0 when it does not run). */
  ownCpuMs(): number {
    return this.ownCpu[0] as number;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
  }
}
