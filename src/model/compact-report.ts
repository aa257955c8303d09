import { extraKeysOf } from './extra-keys.js';
import type { ExecutorReport, TaskTiming } from './run-events.js';

/**
 * An executor's report as compact text, for an inbox whose client trusts its senders (the
 * embedded backend: executor threads of the same process). Its client reads every report on the
 * main thread, whose CPU per task bounds how much more threads can help a DAG of small tasks. So
 * a text has two lines: its head, what the client needs while the run goes on (each report's
 * executor id and the executors it invoked), and its body, the reports themselves, which the
 * client parses only once the run is over (TR large: parsing whole reports was ~a quarter of the
 * main thread's busy time during a run, the head alone is a few percent of the text).
 *
 * `[executorId, invoked, executorId, invoked, ...]\n[report, report, ...]`: one head pair and one
 * body entry per report, in order. A body entry is positional JSON, about two thirds of the time
 * of the same report as objects (no key per field, and objects built from literals of one shape):
 * `[executorId, startTaskId, startedAt, endedAt, cold, worker | null, memoryMb, cpuMs,
 * peakMemoryBytes, invocations, invoked, tasks, extra | 0]`, each task
 * `[taskId, op, executorId | 0 (the report's), readyAt, startAt, endAt, execMs, inputBytes,
 * outputBytes, getMs, putMs, bytesRead, bytesWritten, extra | 0]`. `extra` holds every other key
 * (the optional fields of a task timing), in order, so the decoded report equals the report's JSON
 * read back, key order included. Other run events stay JSON objects: a compact text is the one
 * that starts with `[`. JSON text never holds a raw line break, so the first one ends the head.
 * Several reports travel as one text (one inbox message, one parse of heads, one of bodies).
 */
type CompactTask = [string, string, string | 0, number, number, number, number, number, number, number, number, number, number, Record<string, unknown> | 0];
type CompactReport = [string, string, number, number, boolean, number | null, number, number, number, number, string[], CompactTask[], Record<string, unknown> | 0];

const REPORT_KEYS: ReadonlySet<string> = new Set(['executorId', 'startTaskId', 'startedAt', 'endedAt', 'cold', 'worker', 'memoryMb', 'cpuMs', 'peakMemoryBytes', 'invocations', 'invoked', 'tasks']);
const TASK_KEYS: ReadonlySet<string> = new Set(['taskId', 'op', 'executorId', 'readyAt', 'startAt', 'endAt', 'execMs', 'inputBytes', 'outputBytes', 'getMs', 'putMs', 'bytesRead', 'bytesWritten']);
const isReportKey = (key: string): boolean => REPORT_KEYS.has(key);
const isTaskKey = (key: string): boolean => TASK_KEYS.has(key);

/** Whether `text` is a compact report text (JSON run events are objects). */
export function isCompactReport(text: string): boolean {
  return text.charCodeAt(0) === 0x5b; // '['
}

/** A compact text's parts without their brackets: what joinCompactReports joins. */
export interface CompactReportParts {
  /** `executorId,invoked` pairs, comma separated. */
  readonly head: string;
  /** Body entries, comma separated. */
  readonly body: string;
}

/** The parts of a compact text (a thread splits the texts it sends; the main thread only joins them). */
export function splitCompactReport(text: string): CompactReportParts {
  const cut = compactHeadEnd(text);
  return { head: text.slice(1, cut - 1), body: text.slice(cut + 2, -1) };
}

/** One compact text of the reports whose heads and bodies these are, in order. */
export function joinCompactReports(heads: readonly string[], bodies: readonly string[]): string {
  return `[${heads.join(',')}]\n[${bodies.join(',')}]`;
}

/** One compact text of the reports of `texts`, in order. */
export function compactReportBatchText(texts: readonly string[]): string {
  if (texts.length === 1) return texts[0] as string;
  const parts = texts.map(splitCompactReport);
  return joinCompactReports(
    parts.map((p) => p.head),
    parts.map((p) => p.body),
  );
}

/** Where a compact text's head ends (its line break). */
export function compactHeadEnd(text: string): number {
  return text.indexOf('\n');
}

/** A compact text's head, read: executor ids at even places, each followed by the ids it invoked. */
export function compactHeads(text: string, headEnd = compactHeadEnd(text)): (string | string[])[] {
  return JSON.parse(text.slice(0, headEnd)) as (string | string[])[];
}

/** The reports of a compact text, in order. */
export function reportsOfCompact(text: string, headEnd = compactHeadEnd(text)): ExecutorReport[] {
  return (JSON.parse(text.slice(headEnd + 1)) as CompactReport[]).map(reportOfParsed);
}

/** The compact text of one report. */
export function compactReportText(report: ExecutorReport): string {
  const tasks = report.tasks.map((t): CompactTask => [
    t.taskId,
    t.op,
    t.executorId === report.executorId ? 0 : t.executorId,
    t.readyAt,
    t.startAt,
    t.endAt,
    t.execMs,
    t.inputBytes,
    t.outputBytes,
    t.getMs,
    t.putMs,
    t.bytesRead,
    t.bytesWritten,
    extraKeysOf(t, isTaskKey),
  ]);
  const r = report;
  const compact: CompactReport = [r.executorId, r.startTaskId, r.startedAt, r.endedAt, r.cold, r.worker ?? null, r.memoryMb, r.cpuMs, r.peakMemoryBytes, r.invocations, r.invoked, tasks, extraKeysOf(r, isReportKey)];
  return `[${JSON.stringify(r.executorId)},${JSON.stringify(r.invoked)}]\n[${JSON.stringify(compact)}]`;
}

/** The report of a compactReportText, as JSON.parse would give the report's JSON text. */
export function reportOfCompact(text: string): ExecutorReport {
  return reportsOfCompact(text)[0] as ExecutorReport;
}

function reportOfParsed(c: CompactReport): ExecutorReport {
  const executorId = c[0];
  const tasks = c[11].map((t) => taskOf(t, executorId));
  const report: ExecutorReport =
    c[5] === null
      ? { executorId, startTaskId: c[1], startedAt: c[2], endedAt: c[3], cold: c[4], memoryMb: c[6], cpuMs: c[7], peakMemoryBytes: c[8], invocations: c[9], invoked: c[10], tasks }
      : { executorId, startTaskId: c[1], startedAt: c[2], endedAt: c[3], cold: c[4], worker: c[5], memoryMb: c[6], cpuMs: c[7], peakMemoryBytes: c[8], invocations: c[9], invoked: c[10], tasks };
  return c[12] === 0 ? report : Object.assign(report, c[12]);
}

function taskOf(t: CompactTask, executorId: string): TaskTiming {
  const timing: TaskTiming = {
    taskId: t[0],
    op: t[1],
    executorId: t[2] === 0 ? executorId : t[2],
    readyAt: t[3],
    startAt: t[4],
    endAt: t[5],
    execMs: t[6],
    inputBytes: t[7],
    outputBytes: t[8],
    getMs: t[9],
    putMs: t[10],
    bytesRead: t[11],
    bytesWritten: t[12],
  };
  return t[13] === 0 ? timing : Object.assign(timing, t[13]);
}
