import type { ExecutorReport, RunEvent } from '../model/run-events.js';
import { RunEventSchema } from '../model/run-events.js';
import type { Clock } from './clock.js';
import { isCompactReport, reportsOfCompact } from '../model/compact-report.js';

/** Bits of RunInbox's executor states. */
const EXPECTED = 1;
const REPORTED = 2;

/**
 * What the run client learns from its inbox: which outputs are stored, which tasks are done, the
 * executors' reports, a failure. The run is over when every output is stored and every executor
 * that was invoked has reported: sources, then whatever each report says it invoked. (Counting
 * alone is not enough: a child may report before its invoker does.) A retried executor reports
 * under the same id; the first report counts.
 *
 * A class of its own, not closures inside the client's run function: V8 compiled that function
 * afresh for every run, its optimized code dropped when the run's closures it had inlined were
 * collected (`--trace-deopt`: "weak objects"), 50-130 ms of compiling per run of 10,000 no-ops.
 * Methods on a prototype stay compiled across runs.
 */
export class RunInbox {
  /**
   * The tasks reported done, kept only when the inbox was made to count them (see the
   * constructor); empty otherwise.
   */
  readonly done = new Set<string>();
  readonly executors: ExecutorReport[] = [];
  failure: { taskId: string; message: string } | undefined;
  /** When the last output was reported stored. */
  finishedAt: number;
  private readonly ready = new Set<string>();
  /**
   * Each executor heard of: EXPECTED, REPORTED or both. One map, not a set of each: the client
   * looks every executor up on its expect and on its report (TR large: 16,384 of each a run), and
   * these lookups were among the main thread's costliest builtins (perf).
   */
  private readonly executorStates = new Map<string, number>();
  private expected = 0;
  private reported = 0;
  // Reports of expected executors, counted as either grows (not recounted on every message).
  private reportedExpected = 0;

  /**
   * @param trusted the messages can only come from this process's own executors (embedded, memory
   * coordinator): they are read as written, without a schema parse per message.
   * @param countDone keep `done`: only a client that shows progress or records a result cache needs
   * it, and adding every task of a run to a set (TR large: 32,767 a run) was ~8 % of the main
   * thread's busy time in a CPU profile of runs with neither.
   */
  constructor(
    private readonly outputTasks: ReadonlySet<string>,
    private readonly clock: Clock,
    private readonly trusted: boolean,
    startedAt: number,
    private readonly countDone = true,
  ) {
    this.finishedAt = startedAt;
  }

  /** An output known stored before any executor ran (a result-cache hit). */
  outputReady(taskId: string): void {
    if (!this.outputTasks.has(taskId) || this.ready.has(taskId)) return;
    this.ready.add(taskId);
    this.finishedAt = this.clock.now();
  }

  /** An executor the run now waits for. */
  expect(executorId: string): void {
    const state = this.executorStates.get(executorId) ?? 0;
    if ((state & EXPECTED) !== 0) return;
    this.executorStates.set(executorId, state | EXPECTED);
    this.expected += 1;
    if ((state & REPORTED) !== 0) this.reportedExpected += 1;
  }

  take(messages: readonly string[]): void {
    for (const text of messages) {
      if (!this.trusted) this.apply(RunEventSchema.parse(JSON.parse(text)));
      else if (isCompactReport(text)) for (const report of reportsOfCompact(text)) this.applyReport(report);
      else this.apply(JSON.parse(text) as RunEvent);
    }
  }

  finished(): boolean {
    return this.failure !== undefined || (this.ready.size === this.outputTasks.size && this.reportedExpected === this.expected);
  }

  executorsLive(): number {
    return this.expected - this.reported;
  }

  /** The outputs not yet reported stored. */
  missingOutputs(): string[] {
    return [...this.outputTasks].filter((t) => !this.ready.has(t));
  }

  private apply(event: RunEvent): void {
    switch (event.kind) {
      case 'progress':
        if (this.countDone) for (const taskId of event.done) this.done.add(taskId);
        break;
      case 'output':
        this.outputReady(event.taskId);
        break;
      case 'failed':
        this.failure ??= { taskId: event.taskId, message: event.message };
        break;
      case 'executor':
        this.applyReport(event.report);
        break;
    }
  }

  /** An executor's report; the first one of each executor counts (retries, duplicate deliveries). */
  private applyReport(report: ExecutorReport): void {
    const state = this.executorStates.get(report.executorId) ?? 0;
    if ((state & REPORTED) !== 0) return;
    this.executorStates.set(report.executorId, state | REPORTED);
    this.reported += 1;
    if ((state & EXPECTED) !== 0) this.reportedExpected += 1;
    this.executors.push(report);
    for (const id of report.invoked) this.expect(id);
    // A task-dup copy is reported by the worker that owns the task as well.
    if (this.countDone) for (const task of report.tasks) if (!task.dup) this.done.add(task.taskId);
  }
}
