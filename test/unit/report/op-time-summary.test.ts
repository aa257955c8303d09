import { describe, expect, it } from 'vitest';
import { formatSummary, summaryJson } from '../../../src/cli/format-summary.js';
import { reportOf, timing } from './report-fixtures.js';

/**
 * The summary's op time is the ops' wall time summed, so a sleeping op counts its sleep: it must not
 * be printed as CPU time. The measured CPU is shown beside it only where every task's was measured.
 */
describe('summary: time in ops and CPU in ops', () => {
  it('prints two 20 s sleeps as 40 s of op time, with their measured CPU beside it', () => {
    const report = reportOf([
      timing('a', 'e1', 0, 20_000, { awaited: true, awaitedCpuMs: 1.5 }),
      timing('b', 'e2', 0, 20_000, { cpuMs: 2.5 }),
    ]);
    const text = formatSummary(report);
    expect(text).toContain("time in ops      40000.0 ms (ops' wall time summed, waits included)");
    expect(text).toContain('CPU in ops       4.0 ms (measured on the executor threads)');
    expect(text).not.toMatch(/CPU time/);
    expect(summaryJson(report)).toMatchObject({ cpuMs: 40_000, opCpuMs: 4 });
  });

  it('shows no CPU figure when any task went unmeasured (an awaiting op counts only its awaitedCpuMs)', () => {
    const report = reportOf([
      timing('a', 'e1', 0, 10, { cpuMs: 9 }),
      timing('b', 'e1', 10, 10, { awaited: true, cpuMs: 3 }),
    ]);
    expect(report.summary.opCpuMs).toBeUndefined();
    expect(formatSummary(report)).not.toContain('CPU in ops');
    expect(summaryJson(report)).not.toHaveProperty('opCpuMs');
  });
});
