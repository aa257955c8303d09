import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compactReportBatchText, compactReportText, isCompactReport, reportOfCompact, reportsOfCompact } from '../../../src/model/compact-report.js';
import { ExecutorReportSchema, type ExecutorReport, type TaskTiming } from '../../../src/model/run-events.js';

const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const id = fc.string({ maxLength: 12 });

// Built in the order the driver builds them (executor-driver.ts, emptyTaskTiming), optional fields after.
const timing = (executorId: string) =>
  fc
    .record({
      taskId: id,
      op: id,
      ownExecutor: fc.boolean(),
      otherExecutor: id,
      numbers: fc.array(finite, { minLength: 10, maxLength: 10 }),
      sourceBytes: fc.option(finite, { nil: undefined }),
      dup: fc.option(fc.boolean(), { nil: undefined }),
      awaited: fc.option(fc.boolean(), { nil: undefined }),
      cpuMs: fc.option(finite, { nil: undefined }),
      awaitedCpuMs: fc.option(finite, { nil: undefined }),
    })
    .map(({ taskId, op, ownExecutor, otherExecutor, numbers: n, ...optional }): TaskTiming => {
      const base: TaskTiming = {
        taskId,
        op,
        executorId: ownExecutor ? executorId : otherExecutor,
        readyAt: n[0] as number,
        startAt: n[1] as number,
        endAt: n[2] as number,
        execMs: n[3] as number,
        inputBytes: n[4] as number,
        outputBytes: n[5] as number,
        getMs: n[6] as number,
        putMs: n[7] as number,
        bytesRead: n[8] as number,
        bytesWritten: n[9] as number,
      };
      // Some optional keys set to undefined, some left out: JSON drops both.
      return { ...base, ...optional };
    });

const report = id.chain((executorId) =>
  fc.record({
    startTaskId: id,
    times: fc.array(finite, { minLength: 6, maxLength: 6 }),
    cold: fc.boolean(),
    worker: fc.option(fc.nat(), { nil: undefined }),
    invoked: fc.array(id, { maxLength: 4 }),
    tasks: fc.array(timing(executorId), { maxLength: 5 }),
  }).map(({ startTaskId, times: t, cold, worker, invoked, tasks }): ExecutorReport => ({
    executorId,
    startTaskId,
    startedAt: t[0] as number,
    endedAt: t[1] as number,
    cold,
    ...(worker === undefined ? {} : { worker }),
    memoryMb: t[2] as number,
    cpuMs: t[3] as number,
    peakMemoryBytes: t[4] as number,
    invocations: t[5] as number,
    invoked,
    tasks,
  })),
);

describe('compact executor reports', () => {
  it('read back as the report JSON reads back: same fields, values and key order', () => {
    fc.assert(
      fc.property(report, (r) => {
        const text = compactReportText(r);
        expect(isCompactReport(text)).toBe(true);
        const read = reportOfCompact(text);
        // -0 becomes 0 in JSON either way; compare as the inbox's JSON path would give it.
        expect(JSON.stringify(read)).toBe(JSON.stringify(r));
        expect(read).toEqual(JSON.parse(JSON.stringify(r)));
        expect(ExecutorReportSchema.parse(read)).toEqual(read);
      }),
      { numRuns: 300 },
    );
  });

  it('is told apart from a run event in JSON', () => {
    expect(isCompactReport(JSON.stringify({ kind: 'output', taskId: 'z' }))).toBe(false);
  });

  it('keeps keys the codec does not know (a field added to the schema later)', () => {
    const r = { executorId: 'e', startTaskId: 'a', startedAt: 1, endedAt: 2, cold: false, memoryMb: 0, cpuMs: 0, peakMemoryBytes: 0, invocations: 0, invoked: [], tasks: [], later: 'x' } as ExecutorReport;
    expect(reportOfCompact(compactReportText(r))).toEqual(r);
  });

  it('a batch of reports reads back as each of them, in order; a batch of one is the report itself', () => {
    fc.assert(
      fc.property(fc.array(report, { minLength: 1, maxLength: 5 }), (reports) => {
        const text = compactReportBatchText(reports.map(compactReportText));
        expect(isCompactReport(text)).toBe(true);
        expect(reportsOfCompact(text)).toEqual(JSON.parse(JSON.stringify(reports)));
        if (reports.length === 1) expect(text).toBe(compactReportText(reports[0] as ExecutorReport));
      }),
      { numRuns: 100 },
    );
  });
});
