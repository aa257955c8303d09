import { printable } from '../model/printable.js';
import type { RunReport } from '../report/run-report.js';
import { describeCheck, type Verification } from '../report/verification.js';

export interface ComparedRun {
  readonly file: string;
  readonly report: RunReport;
  readonly verification?: Verification | undefined;
}

/**
 * What makes `report A B`'s B / A ratios misleading, one stderr line each: runs of two different
 * DAGs (the ratios then compare different work), and a run that failed or whose outputs failed
 * their replay's verification (fast, maybe, but wrong).
 */
export function comparisonWarnings(a: ComparedRun, b: ComparedRun): string[] {
  const warnings: string[] = [];
  if (a.report.dagName !== b.report.dagName) {
    warnings.push(`comparing runs of different DAGs: A (${a.file}) ran ${printable(a.report.dagName)}, B (${b.file}) ran ${printable(b.report.dagName)}; the B / A ratios compare different work`);
  }
  for (const [side, run] of [['A', a], ['B', b]] as const) {
    if (!run.report.ok) warnings.push(`${side} (${run.file}) failed at task ${run.report.failure?.taskId ?? '?'}: its figures stop where it failed`);
    else if (run.verification && !run.verification.ok) {
      const failed = run.verification.checks.filter((c) => !c.ok).map(describeCheck);
      warnings.push(`${side} (${run.file}) failed its replay's verification${failed.length > 0 ? `: ${failed.join('; ')}` : ''}`);
    }
  }
  return warnings;
}
