import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RunReportSchema } from '../../../src/report/run-report.js';
import { computeRunMetrics, firstTimingById, longestExecPathMs, peakBytesHeld, runCriticalPath } from '../../../src/report/run-metrics.js';
import type { TaskTiming } from '../../../src/model/run-events.js';
import { dependencies, reportOf, timing } from './report-fixtures.js';

/** a -> b, a -> c, b + c -> d; a, b, d on e1 and c on e2. */
const diamond = dependencies({ b: ['a'], c: ['a'], d: ['b', 'c'] });
function diamondTasks(): TaskTiming[] {
  return [
    timing('a', 'e1', 0, 10, { putMs: 2, bytesWritten: 100 }),
    timing('b', 'e1', 12, 30, { putMs: 3, bytesWritten: 200 }),
    timing('c', 'e2', 12, 5, { getMs: 4, putMs: 1, bytesWritten: 50 }),
    timing('d', 'e1', 45, 10, { getMs: 2 }),
  ];
}

describe('computeRunMetrics', () => {
  it('finds the lower bound, the critical path and the transfer split of a diamond', () => {
    // Prepare
    const report = reportOf(diamondTasks());
    // Act
    const m = computeRunMetrics(report, diamond);
    // Assess
    expect(report.makespanMs).toBe(57);
    expect(m.lowerBoundMs).toBe(50); // a + b + d exec, no transfers
    expect(m.makespanOverLowerBound).toBeCloseTo(57 / 50);
    expect(m.criticalPath).toEqual(['a', 'b', 'd']);
    expect(m.transferMs).toBe(12);
    expect(m.criticalPathTransferMs).toBe(7); // a put 2, b put 3, d get 2
    expect(m.offCriticalPathTransferMs).toBe(5);
    expect(m.criticalPathStartMs).toBe(0);
  });

  it('peak held counts every stored output; peak live frees each once its last consumer fetched it', () => {
    const m = computeRunMetrics(reportOf(diamondTasks()), diamond);
    expect(m.peakHeldBytes).toBe(350);
    expect(m.peakHeldAtMs).toBe(45);
    // a freed at 16 (c began), c held 22..47, b held 45..47.
    expect(m.peakLiveBytes).toBe(250);
  });

  it('measures from the run start, whatever the clock (epoch ms)', () => {
    const epoch = 1_700_000_000_000;
    const shifted = diamondTasks().map((t) => ({ ...t, readyAt: t.readyAt + epoch, startAt: t.startAt + epoch, endAt: t.endAt + epoch }));
    const m = computeRunMetrics(reportOf(shifted, { startedAt: epoch }), diamond);
    expect(m.peakHeldAtMs).toBe(45);
    expect(m.lowerBoundMs).toBe(50);
  });

  it('without the DAG gives only what needs no edges', () => {
    const m = computeRunMetrics(reportOf(diamondTasks()));
    expect(Object.keys(m).sort()).toEqual(['peakHeldAtMs', 'peakHeldBytes', 'transferMs']);
  });

  it('buildRunReport with the DAG carries the metrics, and the report still parses', () => {
    const report = reportOf(diamondTasks(), { dag: diamond });
    expect(report.metrics?.criticalPath).toEqual(['a', 'b', 'd']);
    expect(RunReportSchema.parse(JSON.parse(JSON.stringify(report))).metrics?.lowerBoundMs).toBe(50);
  });
});

describe('runCriticalPath', () => {
  it('walks to the task that kept the executor busy when it finished after the inputs', () => {
    // y needs p (done at 10) but its executor was running x until 50.
    const tasks = [timing('x', 'e1', 0, 50), timing('p', 'e2', 0, 10), timing('y', 'e1', 50, 5)];
    expect(runCriticalPath(tasks, dependencies({ y: ['p'] }))).toEqual(['x', 'y']);
  });

  it('walks to the input that came last when the executor was idle', () => {
    const tasks = [timing('x', 'e1', 0, 5), timing('p', 'e2', 0, 40), timing('y', 'e1', 40, 5)];
    expect(runCriticalPath(tasks, dependencies({ y: ['p'] }))).toEqual(['p', 'y']);
  });

  it('is empty for a run with no tasks', () => {
    expect(runCriticalPath([], dependencies({}))).toEqual([]);
  });
});

describe('firstTimingById', () => {
  it('keeps the run that finished first of a duplicated task', () => {
    const tasks = [timing('p', 'e1', 0, 20, { dup: true }), timing('p', 'e2', 0, 10)];
    expect(firstTimingById(tasks).get('p')?.executorId).toBe('e2');
  });
});

describe('longestExecPathMs', () => {
  it('weighs tasks without a timing (a failed run) as 0', () => {
    const timings = firstTimingById([timing('a', 'e1', 0, 7)]);
    expect(longestExecPathMs(timings, dependencies({ a: ['missing'] }))).toBe(7);
  });
});

describe('peakBytesHeld', () => {
  it('frees before it stores at the same instant', () => {
    const peak = peakBytesHeld([
      { fromMs: 0, toMs: 10, bytes: 5 },
      { fromMs: 10, toMs: 20, bytes: 7 },
      { fromMs: 5, toMs: 15, bytes: 3 },
    ]);
    expect(peak).toEqual({ peakBytes: 10, atMs: 10 });
  });

  it('holds to the end what is never freed, and skips what is held for no time', () => {
    expect(peakBytesHeld([{ fromMs: 0, bytes: 4 }, { fromMs: 3, bytes: 6 }, { fromMs: 2, toMs: 2, bytes: 100 }])).toEqual({ peakBytes: 10, atMs: 3 });
  });
});

describe('run metrics on random runs (property)', () => {
  /** A random DAG over tasks t0..tn-1 (parents among earlier tasks), run one executor per task. */
  const runArb = fc
    .array(fc.record({ parentPicks: fc.array(fc.nat(), { maxLength: 3 }), execMs: fc.integer({ min: 0, max: 50 }), delayMs: fc.integer({ min: 0, max: 20 }), getMs: fc.integer({ min: 0, max: 5 }), putMs: fc.integer({ min: 0, max: 5 }) }), { minLength: 1, maxLength: 30 })
    .map((specs) => {
      const parents: Record<string, string[]> = {};
      const tasks: TaskTiming[] = [];
      specs.forEach((s, i) => {
        const ps = i === 0 ? [] : [...new Set(s.parentPicks.map((k) => `t${k % i}`))];
        parents[`t${i}`] = ps;
        const inputsAt = Math.max(0, ...ps.map((p) => { const t = tasks[Number(p.slice(1))]!; return t.endAt + t.putMs; }));
        tasks.push(timing(`t${i}`, `e${i}`, inputsAt + s.delayMs, s.execMs, { getMs: s.getMs, putMs: s.putMs }));
      });
      return { tasks, parents };
    });

  it('the lower bound never exceeds the makespan; the critical path is a chain of edges ending last', () => {
    fc.assert(
      fc.property(runArb, ({ tasks, parents }) => {
        const report = reportOf(tasks);
        const m = computeRunMetrics(report, dependencies(parents));
        expect(m.lowerBoundMs!).toBeLessThanOrEqual(report.makespanMs + 1e-9);
        const path = m.criticalPath!;
        const last = path.at(-1)!;
        const finish = (t: TaskTiming) => t.endAt + t.putMs;
        expect(finish(tasks.find((t) => t.taskId === last)!)).toBe(Math.max(...tasks.map(finish)));
        expect(parents[path[0]!]).toEqual([]);
        for (let i = 1; i < path.length; i += 1) expect(parents[path[i]!]).toContain(path[i - 1]);
        expect(m.criticalPathTransferMs! + m.offCriticalPathTransferMs!).toBeCloseTo(m.transferMs);
      }),
      { numRuns: 200 },
    );
  });
});
