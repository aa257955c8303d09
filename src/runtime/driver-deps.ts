import type { MetadataStore } from '../metadata/metadata-store.js';
import type { WorkerConfig } from '../metadata/records.js';
import type { OpRegistry } from '../ops/registry.js';
import { lambdaVcpuOf, MB_PER_VCPU } from '../model/cost-model.js';
import type { Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import type { Clock } from './clock.js';
import type { Invoker } from './invoker.js';
import type { Logger } from '../model/logger.js';
import type { RunCache } from './run-cache.js';
import type { ExecutorReport } from '../model/run-events.js';

/** Everything the driver touches, injected (Temporal's WorkerDeps): no globals, no env. */
export interface DriverDeps {
  readonly store: IntermediateStore;
  readonly coordinator: Coordinator;
  readonly invoker: Invoker;
  readonly ops: OpRegistry;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly runs: RunCache;
  /** The executor's memory tier (Lambda) or 0 (embedded thread). */
  readonly memoryMb: number;
  /** Invocations in flight at once from one executor (large fan-outs). */
  readonly invokeConcurrency: number;
  /** CPU time of this thread/process so far, in ms (for the report). */
  readonly cpuMs: () => number;
  /**
   * A clock of the CPU time (ms) of the thread ops run on, where the host has one and wants ops'
   * CPU recorded beside their wall time (embedded threads on Linux that record metadata: on
   * shared cores an op's wall time holds its waits for a core). Absent: not measured.
   */
  readonly opCpuMs?: () => number;
  readonly memoryBytes: () => number;
  /**
   * Time this invocation may still use, in ms (Lambda: the remaining time minus a safety buffer).
   * When it falls to the longest task seen so far, the executor starts no new task: it settles
   * what it owes (puts, marks, invokes), then hands its remaining tasks to fresh invocations
   * instead of being killed mid-task. Absent: no deadline (embedded threads).
   */
  readonly timeLeftMs?: () => number;
  /** Where executors record task, transfer and invoke metadata; none: nothing is recorded. */
  readonly metadata?: MetadataStore;
  /** The worker configuration metadata records name; default: derived from memoryMb. */
  readonly workerConfig?: WorkerConfig;
  /**
   * The text of the executor's report in the client's inbox; default: the JSON of its run event.
   * Embedded threads whose client trusts its inbox send src/model/compact-report.ts's text.
   */
  readonly reportText?: (report: ExecutorReport) => string;
  /**
   * Called with the task id right before each op call (embedded threads: the pool then names the
   * task whose op ended or held the thread, ./embedded/thread-last-op.ts). Absent: nothing.
   */
  readonly onOpCall?: (taskId: string) => void;
}

/**
 * A worker's configuration as metadata records name it: Lambda gives 1 vCPU per 1,769 MB (up to
 * 6 at 10,240 MB); an embedded thread (memoryMb 0) is one core, recorded as a 1,769 MB worker.
 */
export function workerConfigOf(deps: Pick<DriverDeps, 'memoryMb' | 'workerConfig'>): WorkerConfig {
  if (deps.workerConfig) return deps.workerConfig;
  if (deps.memoryMb <= 0) return { memoryMb: MB_PER_VCPU, vcpu: 1 };
  return { memoryMb: deps.memoryMb, vcpu: lambdaVcpuOf(deps.memoryMb) };
}

/** Host facts about this invocation. */
export interface InvocationContext {
  readonly cold: boolean;
  /**
   * Called once the executor has run its last task, before it writes its metadata batch and sends
   * its report: a host running several executors on one thread starts the next one then (the
   * write, tens of ms for a few records when many executors end together, held the slot).
   */
  readonly onTasksDone?: () => void;
  /**
   * Called with true when a planned worker starts waiting for an input, and with false when it
   * goes on: a host running several executors on a thread lets another run meanwhile. Without it,
   * an embedded run whose first workers all waited for inputs of workers queued behind them held
   * every slot until the waits timed out (500 ms a wave: tr small under heft took 1,085 ms).
   */
  readonly onWaiting?: (waiting: boolean) => void;
}
