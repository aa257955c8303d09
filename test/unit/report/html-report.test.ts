import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { MAX_TASK_BARS, renderHtmlReport } from '../../../src/report/html-report.js';
import { escapeHtml } from '../../../src/report/html/escape-html.js';
import { formatBytes, formatMs } from '../../../src/report/html/format-units.js';
import { MAX_CRITICAL_BARS } from '../../../src/report/html/concurrency-svg.js';
import { MAX_GANTT_LANES } from '../../../src/report/html/gantt-svg.js';
import type { TaskTiming } from '../../../src/model/run-events.js';
import { dependencies, reportOf, timing } from './report-fixtures.js';

const count = (html: string, needle: RegExp) => html.match(needle)?.length ?? 0;

/** A chain t0 -> t1 -> ... of `n` tasks on `executors` executors, round robin. */
function chainRun(n: number, executors: number) {
  const parents: Record<string, string[]> = {};
  const tasks: TaskTiming[] = [];
  for (let i = 0; i < n; i += 1) {
    if (i > 0) parents[`t${i}`] = [`t${i - 1}`];
    tasks.push(timing(`t${i}`, `e${i % executors}`, i * 10, 8, { op: i % 2 === 0 ? 'op.even' : 'op.odd', putMs: 1, bytesWritten: 10 }));
  }
  return { tasks, dag: dependencies(parents) };
}

describe('renderHtmlReport', () => {
  it('draws one task group per task, marks the critical path and fills the summary', () => {
    // Prepare
    const { tasks, dag } = chainRun(12, 3);
    const report = reportOf(tasks);
    // Act
    const html = renderHtmlReport(report, { dag });
    // Assess
    expect(count(html, /<g class="task[ "]/g)).toBe(12);
    expect(count(html, /data-critical="true"/g)).toBe(12); // a chain: every task is on it
    expect(html).toContain(`data-metric="makespan" data-value="${report.makespanMs}">${formatMs(report.makespanMs)}<`);
    expect(html).toContain(`data-metric="lower-bound" data-value="96">${formatMs(96)}<`);
    expect(html).toContain(report.summary.costFormula);
    expect(count(html, /<g class="lane"/g)).toBe(3);
  });

  it('escapes every string from the report', () => {
    const evil = '<img src=x onerror=alert(1)>';
    const report = { ...reportOf([timing(evil, `"e1'`, 0, 5, { op: `op<script>` })]), ok: false, failure: { taskId: evil, message: '</p><script>alert(2)</script>' }, dagName: '<b>dag</b>' };
    const html = renderHtmlReport(report);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('op<script>');
    expect(html).not.toContain('<b>dag');
    expect(html).toContain(escapeHtml(evil));
    expect(html).toContain('&lt;/p&gt;&lt;script&gt;alert(2)');
    expect(count(html, /<script>/g)).toBe(1); // the page's own
  });

  it('references nothing outside the page and forbids it by CSP', () => {
    const { tasks, dag } = chainRun(4, 2);
    const html = renderHtmlReport(reportOf(tasks), { dag });
    expect(html).toContain(`Content-Security-Policy" content="default-src 'none'`);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\bsrc=/);
  });

  it('says the critical path and lower bound need the DAG when the report has neither', () => {
    const html = renderHtmlReport(reportOf(chainRun(3, 1).tasks));
    expect(html).toContain('data-metric="lower-bound">unknown<');
    expect(html).toContain('--dag DAG.json');
    expect(count(html, /data-critical="true"/g)).toBe(0);
  });

  it('uses the metrics a report carries when no DAG is given', () => {
    const { tasks, dag } = chainRun(5, 2);
    const html = renderHtmlReport(reportOf(tasks, { dag }));
    expect(count(html, /data-critical="true"/g)).toBe(5);
  });

  it('lists the plan and adds its annotations to the hover text', () => {
    const { tasks, dag } = chainRun(2, 1);
    const plan: Plan = {
      algorithm: 'uniform<x>',
      sla: 'p90',
      tasks: { t0: { worker: 3, preload: true, prewarm: [5], dup: false }, t1: { worker: 5, preload: false, prewarm: [], dup: true } },
      workers: { '3': { memoryMb: 1769, vcpu: 1 }, '5': { memoryMb: 3008, vcpu: 1.7 } },
      predicted: { makespanMs: 20, costUsd: 0.0001 },
    };
    const html = renderHtmlReport(reportOf(tasks), { dag, plan });
    expect(html).toContain('<section id="plan"><h2>Plan: uniform&lt;x&gt; (SLA p90)</h2>');
    expect(html).toContain('plan: worker 3 (1769 MB, 1 vCPU); preload, prewarm 5');
    expect(html).toContain('plan: worker 5 (3008 MB, 1.7 vCPU); dup');
    expect(html).toContain('data-metric="predicted"');
  });

  it('shows cold and warm starts, waits, gets and puts', () => {
    const tasks = [timing('a', 'e1', 10, 5, { putMs: 2 }), timing('b', 'e1', 30, 5, { getMs: 3 })];
    const html = renderHtmlReport(reportOf(tasks), { dag: dependencies({ b: ['a'] }) });
    expect(html).toContain('class="startup cold"');
    expect(html).toContain('e1 waits 13.0ms before b');
    expect(count(html, /<rect class="get"/g)).toBe(1);
    expect(count(html, /<rect class="put"/g)).toBe(1);
    expect(renderHtmlReport(reportOf(tasks, { cold: false }))).toContain('class="startup warm"');
  });

  it(`packs executors into shared rows past ${MAX_GANTT_LANES} lanes`, () => {
    // Each task on its own executor, one after another: they all fit one row.
    const { tasks, dag } = chainRun(MAX_GANTT_LANES + 50, MAX_GANTT_LANES + 50);
    const html = renderHtmlReport(reportOf(tasks), { dag });
    expect(count(html, /<g class="lane"/g)).toBeLessThan(MAX_GANTT_LANES);
    expect(count(html, /<g class="task[ "]/g)).toBe(MAX_GANTT_LANES + 50);
    expect(html).toContain('executors that never overlap share this row');
  });

  it(`aggregates runs of more than ${MAX_TASK_BARS} tasks and stays small`, () => {
    const n = 20_000;
    const { tasks, dag } = chainRun(n, 400);
    const html = renderHtmlReport(reportOf(tasks), { dag });
    expect(html).toContain('id="aggregate-note"');
    // Only the critical path is drawn task by task, at most MAX_CRITICAL_BARS of it (here a chain of all n).
    expect(count(html, /<g class="task[ "]/g)).toBe(MAX_CRITICAL_BARS);
    expect(html).toContain(`critical path (longest 1,000 of 20,000)`);
    expect(html.length).toBeLessThan(1_000_000);
    // Independent tasks, 300 executors: the path runs through one executor's tasks one after another.
    const wide = Array.from({ length: n }, (_, i) => timing(`w${i}`, `e${i % 300}`, Math.floor(i / 300) * 10, 8, { op: `op${i % 12}` }));
    const wideReport = reportOf(wide, { dag: dependencies({}) });
    const wideHtml = renderHtmlReport(wideReport);
    expect(count(wideHtml, /<g class="task[ "]/g)).toBe(wideReport.metrics?.criticalPath?.length);
    expect(wideReport.metrics?.criticalPath?.length).toBe(Math.ceil(n / 300));
    expect(wideHtml).toContain('4 other ops'); // 12 ops: 8 bands of their own + the rest
    expect(wideHtml.length).toBeLessThan(600_000);
  });
});

describe('format units', () => {
  it('durations from pretty-ms: tenths of a ms below a second, then s, m, h; sign kept; binary byte units', () => {
    expect(formatMs(12.345)).toBe('12.3ms');
    expect(formatMs(0.42)).toBe('0.4ms'); // a sub-ms task is not rounded up to 1ms
    expect(formatMs(12_345)).toBe('12.3s');
    expect(formatMs(75_000)).toBe('1m 15s');
    expect(formatMs(-1_500)).toBe('-1.5s');
    expect(formatMs(118, 0)).toBe('118ms');
    expect(formatMs(Number.NaN)).toBe('-');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(3 * 1024 ** 3)).toBe('3.0 GiB');
  });

  it('bytes: truncated, never overstated; TiB; 1023 B stays exact; non-finite is -', () => {
    expect(formatBytes(965_088)).toBe('942.4 KiB'); // 942.47 KiB
    expect(formatBytes(1024 ** 2 - 1)).toBe('1023.9 KiB'); // not 1024.0 KiB nor 1.0 MiB
    expect(formatBytes(5 * 1024 ** 4)).toBe('5.0 TiB');
    expect(formatBytes(1023)).toBe('1023 B');
    expect(formatBytes(Number.NaN)).toBe('-');
  });

  it('bytes: unit boundaries, tenths at their edges, negatives, the largest unit', () => {
    expect(formatBytes(1024)).toBe('1.0 KiB');
    expect(formatBytes(1024 ** 2)).toBe('1.0 MiB');
    expect(formatBytes(1024 ** 3 - 1)).toBe('1023.9 MiB');
    expect(formatBytes(1126)).toBe('1.0 KiB'); // 1.0996 KiB
    expect(formatBytes(1127)).toBe('1.1 KiB'); // 1.1006 KiB
    expect(formatBytes(10 * 1024 + 1023)).toBe('10.9 KiB');
    expect(formatBytes(-1536)).toBe('-1.5 KiB');
    expect(formatBytes(-512)).toBe('-512 B');
    expect(formatBytes(2 * 1024 ** 8)).toBe('2.0 YiB');
    expect(formatBytes(3 * 1024 ** 9)).toBe('3072.0 YiB');
    expect(formatBytes(Number.POSITIVE_INFINITY)).toBe('-');
  });

  it('bytes: each tenth truncated exactly, against integer arithmetic, for every KiB count up to 64 MiB in steps', () => {
    for (let bytes = 1024; bytes < 64 * 1024 ** 2; bytes += 997) {
      const unit = bytes >= 1024 ** 2 ? 1024 ** 2 : 1024;
      const tenths = Math.floor((bytes * 10) / unit); // exact: integers below 2^53
      expect(formatBytes(bytes)).toBe(`${Math.floor(tenths / 10)}.${tenths % 10} ${unit === 1024 ? 'KiB' : 'MiB'}`);
    }
  });
});
