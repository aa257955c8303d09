import { describe, expect, it } from 'vitest';
import { formatSummary } from '../../../src/cli/format-summary.js';
import { describePricedTiers, pricedTiers } from '../../../src/report/priced-tiers.js';
import type { RunReport } from '../../../src/report/run-report.js';
import { reportOf, timing } from './report-fixtures.js';

/** A report whose executors e1, e2, ... run at these tiers (0: no tier, as an embedded thread). */
function reportAtTiers(tiersMb: number[]): RunReport {
  const report = reportOf(tiersMb.map((_, i) => timing(`t${i}`, `e${i + 1}`, 0, 10)));
  return { ...report, executors: report.executors.map((executor, i) => ({ ...executor, memoryMb: tiersMb[i]! })) };
}

/**
 * The summary's cost line says what the cost was priced at. A planned run gives each worker its
 * own tier: an audit found it printed "(priced at 3008 MB)", the fallback, for tiers 1024/1769/3008.
 */
describe('summary: the tiers the cost was priced at', () => {
  it('names every tier of a mixed plan with its executor count, not one of them', () => {
    // Prepare
    const report = reportAtTiers([3008, 1024, 1024, 3008, 3008, 1769, 1769, 1024]);
    // Act
    const line = formatSummary(report).split('\n').find((l) => l.includes('est. Lambda cost'));
    // Assess
    expect(pricedTiers(report)).toEqual([
      { memoryMb: 1024, executors: 3 },
      { memoryMb: 1769, executors: 2 },
      { memoryMb: 3008, executors: 3 },
    ]);
    expect(line).toMatch(/\(each executor at its own tier: 1024 MB x3, 1769 MB x2, 3008 MB x3\)$/);
    expect(line).not.toContain('priced at');
  });

  it('says "priced at N MB" for one tier, and prices executors without a tier at costMemoryMb', () => {
    expect(describePricedTiers(reportAtTiers([1769, 1769]))).toBe('priced at 1769 MB');
    const embedded = reportAtTiers([0, 0]);
    expect(describePricedTiers({ ...embedded, summary: { ...embedded.summary, costMemoryMb: 2048 } })).toBe('priced at 2048 MB');
    const noExecutors = reportAtTiers([]);
    expect(describePricedTiers(noExecutors)).toBe(`priced at ${noExecutors.summary.costMemoryMb} MB`);
  });
});
