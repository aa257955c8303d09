import type { ExecutorReport } from '../model/run-events.js';
import type { WukongExecutor } from '../scheduler/wukong-executor.js';
import type { Container } from './lambda-platform.js';
import { SimExecutorBase } from './sim-executor-base.js';

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

/** One simulated WUKONG executor invocation: the pure state machine plus what its report needs. */
export class SimExecutor extends SimExecutorBase<WukongExecutor> {
  readonly invokes: InvokeChannel;

  constructor(
    machine: WukongExecutor,
    startTaskId: string,
    readonly source: string,
    container: Container,
    cold: boolean,
    billedFromMs: number,
    invokeConcurrency: number,
  ) {
    super(machine, executorIdOf(startTaskId), startTaskId, container, cold, billedFromMs);
    this.invokes = new InvokeChannel(this, source, invokeConcurrency);
  }

  report(endedAtMs: number, memoryMb: number): ExecutorReport {
    return this.reportAt(endedAtMs, memoryMb);
  }
}

/** Executor ids as the runtime names them: one executor per invoked task. */
export function executorIdOf(taskId: string): string {
  return `x-${taskId}`;
}
