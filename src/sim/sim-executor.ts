import { emptyTaskTiming, type ExecutorReport, type TaskTiming } from '../runtime/run-events.js';
import type { WukongExecutor } from '../scheduler/wukong-executor.js';
import type { Container } from './lambda-platform.js';
import type { Link } from './store-model.js';

/** A queued Invoke API call of one caller (an executor or the client). */
export interface PendingInvoke {
  readonly taskId: string;
  readonly inline: readonly string[];
}

/**
 * Invoke API calls in flight from one caller, bounded as the driver's semaphore bounds them
 * (`invokeConcurrency`); calls beyond the bound wait FIFO.
 */
export class InvokeChannel {
  private queue: PendingInvoke[] = [];
  private head = 0;

  constructor(
    /** The executor making the calls; undefined for the client. */
    readonly executor: SimExecutor | undefined,
    readonly source: string | undefined,
    private free: number,
  ) {}

  /** True when a slot was taken (the call starts now); false when it was queued. */
  tryStart(call: PendingInvoke): boolean {
    if (this.free > 0) {
      this.free -= 1;
      return true;
    }
    this.queue.push(call);
    return false;
  }

  /** A call ended: the next queued call, which takes its slot, or undefined (the slot is freed). */
  next(): PendingInvoke | undefined {
    if (this.head < this.queue.length) {
      const call = this.queue[this.head] as PendingInvoke;
      this.queue[this.head] = undefined as unknown as PendingInvoke;
      this.head += 1;
      if (this.head === this.queue.length) {
        this.queue = [];
        this.head = 0;
      }
      return call;
    }
    this.free += 1;
    return undefined;
  }
}

/** One simulated executor invocation: the pure state machine plus what its report needs. */
export class SimExecutor {
  readonly executorId: string;
  readonly link: Link = { freeAtMs: 0 };
  readonly invokes: InvokeChannel;
  private readonly timings = new Map<string, TaskTiming>();
  readonly invoked: string[] = [];
  cpuMs = 0;
  /** Bytes held: the machine keeps every input and output in memory until it stops. */
  memoryBytes = 0;

  constructor(
    readonly machine: WukongExecutor,
    readonly startTaskId: string,
    readonly source: string,
    readonly container: Container,
    readonly cold: boolean,
    /** Start of the billed duration (INIT included when the profile bills it). */
    readonly billedFromMs: number,
    invokeConcurrency: number,
  ) {
    this.executorId = executorIdOf(startTaskId);
    this.invokes = new InvokeChannel(this, source, invokeConcurrency);
  }

  /** The timing record of `taskId`, created when the executor first works on it. */
  timingOf(taskId: string, op: string, nowMs: number): TaskTiming {
    let timing = this.timings.get(taskId);
    if (!timing) {
      timing = emptyTaskTiming(taskId, op, this.executorId, nowMs);
      this.timings.set(taskId, timing);
    }
    return timing;
  }

  /** The timing of a task that already ran or is running here. */
  existingTiming(taskId: string): TaskTiming | undefined {
    return this.timings.get(taskId);
  }

  report(endedAtMs: number, memoryMb: number): ExecutorReport {
    return {
      executorId: this.executorId,
      startTaskId: this.startTaskId,
      startedAt: this.billedFromMs,
      endedAt: endedAtMs,
      cold: this.cold,
      memoryMb,
      cpuMs: this.cpuMs,
      peakMemoryBytes: this.memoryBytes,
      invocations: this.invoked.length,
      invoked: this.invoked,
      tasks: [...this.timings.values()],
    };
  }
}

/** Executor ids as the runtime names them: one executor per invoked task. */
export function executorIdOf(taskId: string): string {
  return `x-${taskId}`;
}
