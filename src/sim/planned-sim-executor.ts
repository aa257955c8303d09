import type { ExecutorReport } from '../model/run-events.js';
import type { PlannedWorker } from '../scheduler/planned-worker.js';
import type { Container } from './lambda-platform.js';
import { SimExecutorBase } from './sim-executor-base.js';

/** A wait on the worker's inbox in progress: `token` tells a stale timeout from the live one. */
export interface InboxWait {
  readonly taskId: string;
  readonly sinceMs: number;
  readonly token: number;
}

/** One simulated planned-worker incarnation (`w-{W}` or `w-{W}@{task}`): the pure machine plus what its report needs. */
export class PlannedSimExecutor extends SimExecutorBase<PlannedWorker> {
  wait: InboxWait | undefined;
  /** Prewarm Invoke calls are tracked by the driver (`io.track`): the handler ends after them. */
  settleAtMs = 0;

  constructor(
    machine: PlannedWorker,
    executorId: string,
    startTaskId: string,
    readonly memoryMb: number,
    container: Container,
    cold: boolean,
    billedFromMs: number,
  ) {
    super(machine, executorId, startTaskId, container, cold, billedFromMs);
  }

  get worker(): number {
    return this.machine.worker;
  }

  report(endedAtMs: number): ExecutorReport {
    return this.reportAt(endedAtMs, this.memoryMb, this.worker);
  }
}
