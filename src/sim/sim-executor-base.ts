import { emptyTaskTiming, type ExecutorReport, type TaskTiming } from '../model/run-events.js';
import type { Container } from './lambda-platform.js';
import type { Link } from './store-model.js';

/** What the engines need of a pure executor machine (WukongExecutor or PlannedWorker). */
export interface SimMachine<Event, Instruction> {
  readonly currentTask: string | undefined;
  handle(event: Event): Instruction[];
  validateState(): void;
}

/**
 * One simulated invocation of either mode: the pure machine plus what its report needs (timings,
 * CPU and memory held, the executors it invoked). SimExecutor and PlannedSimExecutor add their
 * mode's state.
 */
export abstract class SimExecutorBase<Machine> {
  readonly link: Link = { freeAtMs: 0 };
  private readonly timings = new Map<string, TaskTiming>();
  private readonly fetchHorizon = new Map<string, number>();
  readonly invoked: string[] = [];
  cpuMs = 0;
  /** Bytes held: the machine keeps every input and output in memory until it stops. */
  memoryBytes = 0;

  constructor(
    readonly machine: Machine,
    readonly executorId: string,
    readonly startTaskId: string,
    readonly container: Container,
    readonly cold: boolean,
    /** Start of the billed duration (INIT included when the profile bills it). */
    readonly billedFromMs: number,
  ) {}

  /** The timing record of `taskId`, created when the executor first works on it. */
  timingOf(taskId: string, op: string, nowMs: number): TaskTiming {
    let timing = this.timings.get(taskId);
    if (!timing) {
      timing = emptyTaskTiming(taskId, op, this.executorId, nowMs);
      this.timings.set(taskId, timing);
    }
    return timing;
  }

  /**
   * The wall time to add to `consumer`'s getMs for a fetch from `startMs` to `endMs`: only the part
   * not already covered by its earlier fetches (they start in time order, so one horizon suffices).
   */
  fetchWallMs(consumer: string, startMs: number, endMs: number): number {
    const horizon = this.fetchHorizon.get(consumer) ?? Number.NEGATIVE_INFINITY;
    this.fetchHorizon.set(consumer, Math.max(horizon, endMs));
    return Math.max(0, endMs - Math.max(startMs, horizon));
  }

  /** The timing of a task that already ran or is running here. */
  existingTiming(taskId: string): TaskTiming | undefined {
    return this.timings.get(taskId);
  }

  /** The report at `endedAtMs`; `worker` only in planned mode. */
  protected reportAt(endedAtMs: number, memoryMb: number, worker?: number): ExecutorReport {
    return {
      executorId: this.executorId,
      startTaskId: this.startTaskId,
      startedAt: this.billedFromMs,
      endedAt: endedAtMs,
      cold: this.cold,
      ...(worker === undefined ? {} : { worker }),
      memoryMb,
      cpuMs: this.cpuMs,
      peakMemoryBytes: this.memoryBytes,
      invocations: this.invoked.length,
      invoked: this.invoked,
      tasks: [...this.timings.values()],
    };
  }
}
