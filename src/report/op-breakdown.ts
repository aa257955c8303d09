import type { RunReport } from './run-report.js';

/** Where one op's time went in a run: the per-op rows of the report's "Time by op" table. */
export interface OpTime {
  readonly op: string;
  /** Tasks of this op (task-dup copies not counted: they are another run of the same task). */
  readonly tasks: number;
  /** Runs of this op including task-dup copies: what the times below add up. */
  readonly runs: number;
  readonly execMs: number;
  readonly getMs: number;
  readonly putMs: number;
  readonly bytesRead: number;
  readonly bytesWritten: number;
  /** This op's exec + get + put as a fraction of every op's (0 when the run did no work). */
  readonly share: number;
  /** Longest single run's exec time: a straggler shows up as max far above exec / runs. */
  readonly maxExecMs: number;
}

/** Per-op totals of a run, the op with the most time first (ties: by name). Pure. */
export function opBreakdown(report: Pick<RunReport, 'tasks'>): OpTime[] {
  const rows = new Map<string, { tasks: number; runs: number; execMs: number; getMs: number; putMs: number; bytesRead: number; bytesWritten: number; maxExecMs: number }>();
  for (const t of report.tasks) {
    let row = rows.get(t.op);
    if (!row) {
      row = { tasks: 0, runs: 0, execMs: 0, getMs: 0, putMs: 0, bytesRead: 0, bytesWritten: 0, maxExecMs: 0 };
      rows.set(t.op, row);
    }
    if (!t.dup) row.tasks += 1;
    row.runs += 1;
    row.execMs += t.execMs;
    row.getMs += t.getMs;
    row.putMs += t.putMs;
    row.bytesRead += t.bytesRead;
    row.bytesWritten += t.bytesWritten;
    row.maxExecMs = Math.max(row.maxExecMs, t.execMs);
  }
  let total = 0;
  for (const row of rows.values()) total += row.execMs + row.getMs + row.putMs;
  return [...rows.entries()]
    .map(([op, row]) => ({ op, ...row, share: total > 0 ? (row.execMs + row.getMs + row.putMs) / total : 0 }))
    .sort((a, b) => b.execMs + b.getMs + b.putMs - (a.execMs + a.getMs + a.putMs) || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0));
}
