/**
 * CPU cores shared by every simulated execution (profile `lambda.sharedCpuCores`): a CPU-bound
 * task runs on the core that frees first, from when it frees, for the task's whole run time. Tasks
 * take cores in the order they are issued (FIFO), as threads picking up work would, and never
 * preempt one another: an executor thread runs one op to its end before its next.
 */
export class SharedCores {
  private readonly freeAtMs: Float64Array;

  constructor(cores: number) {
    if (!Number.isInteger(cores) || cores < 1) throw new RangeError(`cores must be a positive integer, got ${cores}`);
    this.freeAtMs = new Float64Array(cores);
  }

  /** Reserves a core for `durationMs` from `nowMs` or later; returns when the task starts. */
  reserve(nowMs: number, durationMs: number): number {
    let best = 0;
    for (let i = 1; i < this.freeAtMs.length; i += 1) if ((this.freeAtMs[i] as number) < (this.freeAtMs[best] as number)) best = i;
    const startMs = Math.max(nowMs, this.freeAtMs[best] as number);
    this.freeAtMs[best] = startMs + durationMs;
    return startMs;
  }
}
