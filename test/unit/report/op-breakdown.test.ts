import { describe, expect, it } from 'vitest';
import { opBreakdown } from '../../../src/report/op-breakdown.js';
import { comparePlanToRun } from '../../../src/report/plan-vs-actual.js';
import { compareRuns } from '../../../src/report/run-comparison.js';
import { computeRunMetrics } from '../../../src/report/run-metrics.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { reportOf, timing } from './report-fixtures.js';

describe('opBreakdown (the report\'s "Time by op")', () => {
  it('sums exec, get, put and bytes per op, counts tasks without dup copies, and orders by time taken', () => {
    const report = reportOf([
      timing('a', 'e1', 0, 10, { op: 'x.small', getMs: 2, putMs: 3, bytesRead: 100, bytesWritten: 50 }),
      timing('b', 'e1', 20, 40, { op: 'x.big', putMs: 5 }),
      timing('c', 'e2', 0, 30, { op: 'x.big', getMs: 1 }),
      timing('c', 'e3', 0, 30, { op: 'x.big', dup: true }),
    ]);
    const rows = opBreakdown(report);
    expect(rows.map((r) => r.op)).toEqual(['x.big', 'x.small']);
    const big = rows[0]!;
    expect(big).toMatchObject({ tasks: 2, runs: 3, execMs: 100, getMs: 1, putMs: 5, maxExecMs: 40 });
    const small = rows[1]!;
    expect(small).toMatchObject({ tasks: 1, runs: 1, execMs: 10, getMs: 2, putMs: 3, bytesRead: 100, bytesWritten: 50 });
    expect(big.share + small.share).toBeCloseTo(1, 12);
    expect(small.share).toBeCloseTo(15 / 121, 12);
  });

  it('gives a zero share, not NaN, to a run that did no work', () => {
    const rows = opBreakdown(reportOf([timing('a', 'e1', 0, 0)]));
    expect(rows[0]!.share).toBe(0);
  });
});

describe('comparePlanToRun (plan vs actual)', () => {
  const plan = (schedule: Plan['schedule']): Plan => ({ algorithm: 'uniform', sla: 'median', tasks: {}, workers: {}, predicted: { makespanMs: 50, costUsd: 0.001 }, ...(schedule ? { schedule } : {}) });

  it('puts each task beside its forecast, worst end miss first, in ms from the run start', () => {
    const report = reportOf([timing('a', 'e1', 1000, 10), timing('b', 'e1', 1010, 30)], { startedAt: 1000 });
    const cmp = comparePlanToRun(plan({ a: [0, 10], b: [10, 20] }), report)!;
    expect(cmp.compared).toBe(2);
    expect(cmp.worst.map((m) => m.taskId)).toEqual(['b', 'a']);
    expect(cmp.worst[0]).toMatchObject({ actualStartMs: 10, actualEndMs: 40, predictedEndMs: 20, endMissMs: 20 });
    expect(cmp.meanExecMissMs).toBe(10);
    expect(cmp.predictedMakespanMs).toBe(50);
    expect(cmp.actualMakespanMs).toBe(report.makespanMs);
  });

  it('is undefined for a plan without a per-task forecast, and keeps `__proto__` a task like any other', () => {
    const report = reportOf([timing('__proto__', 'e1', 0, 5)]);
    expect(comparePlanToRun(plan(undefined), report)).toBeUndefined();
    const schedule = Object.fromEntries([['__proto__', [0, 5] as [number, number]]]);
    expect(comparePlanToRun(plan(schedule), report)!.compared).toBe(1);
    expect(comparePlanToRun(plan({}), report)!.compared).toBe(0);
  });
});

describe('compareRuns (two reports side by side)', () => {
  it('gives b / a for each figure and each op, with no ratio over a zero', () => {
    const a = reportOf([timing('t', 'e1', 0, 100, { op: 'x.op', getMs: 10 })]);
    const b = reportOf([timing('t', 'e1', 0, 50, { op: 'x.op' }), timing('u', 'e1', 50, 5, { op: 'y.op' })]);
    const cmp = compareRuns(a, computeRunMetrics(a), b, computeRunMetrics(b));
    const makespan = cmp.figures.find((f) => f.metric === 'makespan')!;
    expect(makespan.ratio).toBeCloseTo(b.makespanMs / a.makespanMs, 12);
    expect(cmp.figures.find((f) => f.metric === 'put')!.ratio).toBeUndefined();
    expect(cmp.ops).toEqual([
      { op: 'x.op', tasksA: 1, tasksB: 1, execMsA: 100, execMsB: 50, transferMsA: 10, transferMsB: 0 },
      { op: 'y.op', tasksA: 0, tasksB: 1, execMsA: 0, execMsB: 5, transferMsA: 0, transferMsB: 0 },
    ]);
  });
});
