import { describe, expect, it } from 'vitest';
import type { ExecutorReport, RunEvent } from '../../../src/model/run-events.js';
import { RunInbox } from '../../../src/runtime/run-inbox.js';
import { compactReportBatchText, compactReportText } from '../../../src/model/compact-report.js';

const clock = { now: () => 42 };

function report(executorId: string, invoked: string[] = [], taskIds: string[] = []): RunEvent {
  const r: ExecutorReport = {
    executorId,
    startTaskId: taskIds[0] ?? executorId,
    startedAt: 0,
    endedAt: 1,
    cold: false,
    memoryMb: 0,
    cpuMs: 0,
    peakMemoryBytes: 0,
    invocations: 1,
    invoked,
    tasks: taskIds.map((taskId) => ({ taskId, op: 'x', executorId, readyAt: 0, startAt: 0, endAt: 1, execMs: 1, inputBytes: 0, outputBytes: 0, getMs: 0, putMs: 0, bytesRead: 0, bytesWritten: 0 })),
  };
  return { kind: 'executor', report: r };
}

const text = (...events: RunEvent[]) => events.map((e) => JSON.stringify(e));

describe('RunInbox', () => {
  it('is finished once every output is stored and every invoked executor has reported, in any order', () => {
    const inbox = new RunInbox(new Set(['z']), clock, true, 0);
    inbox.expect('e1');
    // e2 reports before e1 says it invoked e2: it counts once e1's report names it.
    inbox.take(text(report('e2', [], ['b'])));
    expect(inbox.finished()).toBe(false);
    inbox.take(text({ kind: 'output', taskId: 'z' }, report('e1', ['e2'], ['a', 'z'])));
    expect(inbox.finished()).toBe(true);
    expect(inbox.finishedAt).toBe(42);
    expect([...inbox.done].sort()).toEqual(['a', 'b', 'z']);
    expect(inbox.executors.map((e) => e.executorId)).toEqual(['e2', 'e1']);
  });

  it('counts a retried executor once, and waits for an output even when every executor reported', () => {
    const inbox = new RunInbox(new Set(['z']), clock, true, 0);
    inbox.expect('e1');
    inbox.take(text(report('e1', [], ['a']), report('e1', [], ['a'])));
    expect(inbox.executors).toHaveLength(1);
    expect(inbox.finished()).toBe(false);
    expect(inbox.missingOutputs()).toEqual(['z']);
    expect(inbox.executorsLive()).toBe(0);
  });

  it('made not to count the tasks done, finishes and keeps every report the same, with no task in done', () => {
    const counting = new RunInbox(new Set(['z']), clock, true, 0);
    const notCounting = new RunInbox(new Set(['z']), clock, true, 0, { countDone: false });
    for (const inbox of [counting, notCounting]) {
      inbox.expect('e1');
      inbox.take([compactReportText((report('e2', [], ['b']) as { report: ExecutorReport }).report)]);
      inbox.take(text({ kind: 'progress', executorId: 'e1', done: ['a'] } as RunEvent, { kind: 'output', taskId: 'z' }, report('e1', ['e2'], ['a', 'z']), report('e1', [], ['q'])));
    }
    expect(notCounting.finished()).toBe(true);
    expect(notCounting.executors).toEqual(counting.executors);
    expect(notCounting.executorsLive()).toBe(counting.executorsLive());
    expect([...counting.done].sort()).toEqual(['a', 'b', 'z']);
    expect(notCounting.done.size).toBe(0);
  });

  it('ends at the first failure', () => {
    const inbox = new RunInbox(new Set(['z']), clock, true, 0);
    inbox.expect('e1');
    inbox.take(text({ kind: 'failed', taskId: 'a', executorId: 'e1', message: 'boom' }, { kind: 'failed', taskId: 'b', executorId: 'e1', message: 'later' }));
    expect(inbox.finished()).toBe(true);
    expect(inbox.failure).toEqual({ taskId: 'a', message: 'boom' });
  });

  it('checks messages against the schema unless they come from its own process', () => {
    const untrusted = new RunInbox(new Set(['z']), clock, false, 0);
    expect(() => untrusted.take([JSON.stringify({ kind: 'output' })])).toThrow();
    const trusted = new RunInbox(new Set(['z']), clock, true, 0);
    expect(() => trusted.take([JSON.stringify({ kind: 'output', taskId: 'z' })])).not.toThrow();
    expect(trusted.missingOutputs()).toEqual([]);
  });

  it('reads compact reports (a batch of them here) beside JSON events when trusted, the same as their JSON', () => {
    const viaJson = new RunInbox(new Set(['z']), clock, true, 0);
    const viaCompact = new RunInbox(new Set(['z']), clock, true, 0);
    const events = [report('e1', ['e2'], ['a', 'z']), report('e2', [], ['b'])];
    viaJson.expect('e1');
    viaCompact.expect('e1');
    viaJson.take(text(...events, { kind: 'output', taskId: 'z' }));
    const compact = events.map((e) => (e.kind === 'executor' ? compactReportText(e.report) : ''));
    viaCompact.take([compactReportBatchText(compact), JSON.stringify({ kind: 'output', taskId: 'z' })]);
    expect(viaCompact.finished()).toBe(true);
    expect(viaCompact.executors).toEqual(viaJson.executors);
    expect([...viaCompact.done]).toEqual([...viaJson.done]);
  });

  it('not counting tasks, reads compact bodies only when asked, keeping the arrival order and only the first report of an executor', () => {
    const counting = new RunInbox(new Set(['z']), clock, true, 0);
    const notCounting = new RunInbox(new Set(['z']), clock, true, 0, { countDone: false });
    const readingAsTheyCome = new RunInbox(new Set(['z']), clock, true, 0, { countDone: false, readBodiesLater: false });
    const compact = (...events: RunEvent[]) => compactReportBatchText(events.map((e) => compactReportText((e as { report: ExecutorReport }).report)));
    for (const inbox of [counting, notCounting, readingAsTheyCome]) {
      inbox.expect('e1');
      inbox.take([compact(report('e1', ['e2', 'e3'], ['a']), report('e1', ['e9'], ['a2']))]);
      inbox.take(text(report('e3', [], ['c'])));
      // e2 twice in one batch, after a fresh executor: only the first of e2 counts.
      inbox.take([compact(report('e4', [], ['d']), report('e2', [], ['b']), report('e2', [], ['b2'])), JSON.stringify({ kind: 'output', taskId: 'z' })]);
    }
    // e1's repeat named e9, which is not waited for: the repeat does not count.
    expect(notCounting.finished()).toBe(true);
    expect(notCounting.executorsLive()).toBe(counting.executorsLive());
    expect(notCounting.executors.map((e) => [e.executorId, e.tasks[0]?.taskId])).toEqual([
      ['e1', 'a'],
      ['e3', 'c'],
      ['e4', 'd'],
      ['e2', 'b'],
    ]);
    expect(notCounting.executors).toEqual(counting.executors);
    expect(readingAsTheyCome.executors).toEqual(counting.executors);
    expect(readingAsTheyCome.done.size).toBe(0);
    // Read once: a later report joins the same list.
    notCounting.take(text(report('e5', [], ['e'])));
    expect(notCounting.executors.map((e) => e.executorId)).toEqual(['e1', 'e3', 'e4', 'e2', 'e5']);
  });
});
