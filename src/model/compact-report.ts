import { extraKeysOf } from './extra-keys.js';
import type { ExecutorReport, TaskTiming } from './run-events.js';

/**
 * An executor's report as compact text, for an inbox whose client trusts its senders (the
 * embedded backend: executor threads of the same process). Its client parses every report on the
 * main thread, whose CPU per task bounds how much more threads can help a DAG of small tasks:
 * positional JSON arrays take about two thirds of the time of the same report as objects (no key
 * per field, and the objects are built from literals of one shape).
 *
 * `[executorId, startTaskId, startedAt, endedAt, cold, worker | null, memoryMb, cpuMs,
 * peakMemoryBytes, invocations, invoked, tasks, extra | 0]`, each task
 * `[taskId, op, executorId | 0 (the report's), readyAt, startAt, endAt, execMs, inputBytes,
 * outputBytes, getMs, putMs, bytesRead, bytesWritten, extra | 0]`. `extra` holds every other key
 * (the optional fields of a task timing), in order, so the decoded report equals the report's JSON
 * read back, key order included. Other run events stay JSON objects: a compact text is the one
 * that starts with `[`. Several reports may travel as one text, the JSON array of their compact
 * forms (`[[...],[...]]`): one parse, and one inbox message, for all.
 */
type CompactTask = [string, string, string | 0, number, number, number, number, number, number, number, number, number, number, Record<string, unknown> | 0];
type CompactReport = [string, string, number, number, boolean, number | null, number, number, number, number, string[], CompactTask[], Record<string, unknown> | 0];

const REPORT_KEYS: ReadonlySet<string> = new Set(['executorId', 'startTaskId', 'startedAt', 'endedAt', 'cold', 'worker', 'memoryMb', 'cpuMs', 'peakMemoryBytes', 'invocations', 'invoked', 'tasks']);
const TASK_KEYS: ReadonlySet<string> = new Set(['taskId', 'op', 'executorId', 'readyAt', 'startAt', 'endAt', 'execMs', 'inputBytes', 'outputBytes', 'getMs', 'putMs', 'bytesRead', 'bytesWritten']);
const isReportKey = (key: string): boolean => REPORT_KEYS.has(key);
const isTaskKey = (key: string): boolean => TASK_KEYS.has(key);

/** Whether `text` is a compact report or a batch of them (JSON run events are objects). */
export function isCompactReport(text: string): boolean {
  return text.charCodeAt(0) === 0x5b; // '['
}

/** Whether a compact `text` holds several reports (a single one starts with its executor id, a string). */
export function isCompactReportBatch(text: string): boolean {
  return text.charCodeAt(1) === 0x5b;
}

/** One text of the reports of `texts` (each a compactReportText, or a batch of one). */
export function compactReportBatchText(texts: readonly string[]): string {
  return texts.length === 1 ? (texts[0] as string) : `[${texts.join(',')}]`;
}

/** The reports of a compact text, one or a batch, in order. */
export function reportsOfCompact(text: string): ExecutorReport[] {
  return isCompactReportBatch(text) ? (JSON.parse(text) as CompactReport[]).map(reportOfParsed) : [reportOfCompact(text)];
}

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
  return JSON.stringify(compact);
}

/** The report of a compactReportText, as JSON.parse would give the report's JSON text. */
export function reportOfCompact(text: string): ExecutorReport {
  return reportOfParsed(JSON.parse(text) as CompactReport);
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
