import type { ExecutorReport, RunEvent } from '../model/run-events.js';
import { RunEventSchema } from '../model/run-events.js';
import type { Clock } from './clock.js';
import { compactHeadEnd, compactHeads, isCompactReport, reportsOfCompact } from '../model/compact-report.js';

/** Bits of RunInbox's executor states. */
const EXPECTED = 1;
const REPORTED = 2;

/** How a RunInbox reads what it is told (see the constructor). */
export interface RunInboxReading {
  /**
   * Keep `done`: only a client that shows progress or records a result cache needs it, and adding
   * every task of a run to a set (TR large: 32,767 a run) was ~8 % of the main thread's busy time
   * in a CPU profile of runs with neither. Default true.
   */
  readonly countDone?: boolean;
  /** Read compact reports' bodies only when the reports are asked for (see takeCompact). Default true. */
  readonly readBodiesLater?: boolean;
}

/**
 * A compact text of reports whose heads were applied and whose bodies are read when the reports
 * are asked for (see RunInbox.executors).
 */
interface UnreadReports {
  readonly text: string;
  readonly headEnd: number;
  /** Which of its reports count (the first of each executor); undefined: all of them. */
  readonly counted: boolean[] | undefined;
}

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
  /** The reports that count, in arrival order; compact texts whose bodies are not read yet among them. */
  private reports: (ExecutorReport | UnreadReports)[] = [];
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
  private readonly countDone: boolean;
  private readonly readBodiesLater: boolean;

  /**
   * @param trusted the messages can only come from this process's own executors (embedded, memory
   * coordinator): they are read as written, without a schema parse per message.
   */
  constructor(
    private readonly outputTasks: ReadonlySet<string>,
    private readonly clock: Clock,
    private readonly trusted: boolean,
    startedAt: number,
    reading: RunInboxReading = {},
  ) {
    this.finishedAt = startedAt;
    this.countDone = reading.countDone ?? true;
    this.readBodiesLater = reading.readBodiesLater ?? true;
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
      else if (isCompactReport(text)) this.takeCompact(text);
      else this.apply(JSON.parse(text) as RunEvent);
    }
  }

  /**
   * The executors' reports that count (the first of each executor), in the order they arrived.
   * Compact reports are parsed here, once the client asks, not as they arrive: while the run goes
   * on only their heads are read (model/compact-report.ts).
   */
  get executors(): ExecutorReport[] {
    if (this.reports.every((r) => !isUnread(r))) return this.reports as ExecutorReport[];
    const read: ExecutorReport[] = [];
    for (const entry of this.reports) {
      if (!isUnread(entry)) read.push(entry);
      else {
        const reports = reportsOfCompact(entry.text, entry.headEnd);
        for (let i = 0; i < reports.length; i += 1) if (entry.counted?.[i] !== false) read.push(reports[i] as ExecutorReport);
      }
    }
    this.reports = read;
    return read;
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

  /**
   * Compact reports: their heads now; their bodies when the reports are asked for, off the run's
   * way when the client's thread is what bounds it. Their bodies now when the inbox counts the
   * tasks done (it needs them), or when it is told to read them as they come (the client's thread
   * has a core of its own, and would otherwise read them after the run, on the run's wall time).
   */
  private takeCompact(text: string): void {
    const headEnd = compactHeadEnd(text);
    if (this.countDone || !this.readBodiesLater) {
      for (const report of reportsOfCompact(text, headEnd)) this.applyReport(report);
      return;
    }
    const heads = compactHeads(text, headEnd);
    let counted: boolean[] | undefined;
    for (let i = 0; i < heads.length; i += 2) {
      const counts = this.countReport(heads[i] as string, heads[i + 1] as string[]);
      if (!counts) counted ??= Array.from({ length: heads.length / 2 }, () => true);
      if (counted) counted[i / 2] = counts;
    }
    this.reports.push({ text, headEnd, counted });
  }

  /** An executor's report; the first one of each executor counts (retries, duplicate deliveries). */
  private applyReport(report: ExecutorReport): void {
    if (!this.countReport(report.executorId, report.invoked)) return;
    this.reports.push(report);
    // A task-dup copy is reported by the worker that owns the task as well.
    if (this.countDone) for (const task of report.tasks) if (!task.dup) this.done.add(task.taskId);
  }

  /** Counts a report of `executorId` unless one counted already; whether this one counts. */
  private countReport(executorId: string, invoked: readonly string[]): boolean {
    const state = this.executorStates.get(executorId) ?? 0;
    if ((state & REPORTED) !== 0) return false;
    this.executorStates.set(executorId, state | REPORTED);
    this.reported += 1;
    if ((state & EXPECTED) !== 0) this.reportedExpected += 1;
    for (const id of invoked) this.expect(id);
    return true;
  }
}

function isUnread(entry: ExecutorReport | UnreadReports): entry is UnreadReports {
  return 'headEnd' in entry;
}
