import { opBreakdown } from './op-breakdown.js';
import type { RunReport } from './run-report.js';
import type { RunMetrics } from './run-metrics.js';

/** One figure of two runs: lower is better for every figure compared here. */
export interface ComparedFigure {
  readonly metric: string;
  readonly label: string;
  readonly unit: 'ms' | 'bytes' | 'usd' | 'count' | 'gb-s';
  readonly a: number;
  readonly b: number;
  /** b / a; undefined when a is 0 (no ratio to speak of). */
  readonly ratio: number | undefined;
}

export interface ComparedOp {
  readonly op: string;
  readonly tasksA: number;
  readonly tasksB: number;
  readonly execMsA: number;
  readonly execMsB: number;
  readonly transferMsA: number;
  readonly transferMsB: number;
}

export interface RunComparison {
  readonly figures: readonly ComparedFigure[];
  readonly ops: readonly ComparedOp[];
}

/** `wukong report a.json b.json`: the figures of two runs side by side with b / a. Pure. */
export function compareRuns(a: RunReport, metricsA: RunMetrics, b: RunReport, metricsB: RunMetrics): RunComparison {
  const figure = (metric: string, label: string, unit: ComparedFigure['unit'], pick: (r: RunReport, m: RunMetrics) => number | undefined): ComparedFigure[] => {
    const va = pick(a, metricsA);
    const vb = pick(b, metricsB);
    if (va === undefined || vb === undefined) return [];
    return [{ metric, label, unit, a: va, b: vb, ratio: va !== 0 ? vb / va : undefined }];
  };
  const figures = [
    ...figure('makespan', 'Makespan', 'ms', (r) => r.makespanMs),
    ...figure('makespan-over-lower-bound', 'Makespan / lower bound', 'count', (_r, m) => m.makespanOverLowerBound),
    ...figure('cost', 'Cost', 'usd', (r) => r.summary.costUsd),
    ...figure('gb-seconds', 'GB-s', 'gb-s', (r) => r.summary.gbSeconds),
    ...figure('cpu', 'time in ops', 'ms', (r) => r.summary.cpuMs),
    ...figure('invocations', 'Invocations', 'count', (r) => r.summary.invocations),
    ...figure('cold-starts', 'Cold starts', 'count', (r) => r.summary.coldStarts),
    ...figure('executors', 'Executors', 'count', (r) => r.summary.executors),
    ...figure('get', 'Get time', 'ms', (r) => r.summary.getMs),
    ...figure('put', 'Put time', 'ms', (r) => r.summary.putMs),
    ...figure('bytes-read', 'Bytes read', 'bytes', (r) => r.summary.bytesRead),
    ...figure('bytes-written', 'Bytes written', 'bytes', (r) => r.summary.bytesWritten),
    ...figure('peak-held', 'Peak bytes held', 'bytes', (_r, m) => m.peakHeldBytes),
  ];
  const byOpA = new Map(opBreakdown(a).map((r) => [r.op, r]));
  const byOpB = new Map(opBreakdown(b).map((r) => [r.op, r]));
  const ops = [...new Set([...byOpA.keys(), ...byOpB.keys()])].sort().map((op) => {
    const ra = byOpA.get(op);
    const rb = byOpB.get(op);
    return {
      op,
      tasksA: ra?.tasks ?? 0,
      tasksB: rb?.tasks ?? 0,
      execMsA: ra?.execMs ?? 0,
      execMsB: rb?.execMs ?? 0,
      transferMsA: (ra?.getMs ?? 0) + (ra?.putMs ?? 0),
      transferMsB: (rb?.getMs ?? 0) + (rb?.putMs ?? 0),
    };
  });
  return { figures, ops };
}
