import type { RunReport } from '../report/run-report.js';
import { printable } from '../model/printable.js';
import { formatCacheLine } from '../report/cache-summary.js';
import { describePricedTiers } from '../report/priced-tiers.js';

import { formatBytes } from '../report/html/format-units.js';

/** The human summary of a run, as `submit` and `replay` print it. */
export function formatSummary(report: RunReport): string {
  const s = report.summary;
  const lines = [
    // The DAG's name and a custom planner's name are user text: control characters escaped.
    `ok: ${printable(report.dagName)} (run ${report.runId}) on ${report.backend}, planner ${printable(report.planner)}`,
    `  makespan         ${report.makespanMs.toFixed(1)} ms`,
    `  tasks            ${s.tasks}`,
    `  executors        ${s.executors} (${s.coldStarts} cold starts), invocations ${s.invocations}`,
    `  intermediates    written ${formatBytes(s.bytesWritten)}, read ${formatBytes(s.bytesRead)}`,
    ...(s.sourceBytes ? [`  sources read     ${formatBytes(s.sourceBytes)}`] : []),
    // cpuMs sums each op's wall time (sleeps and awaited I/O included), so it is not called CPU
    // time here; the ops' measured CPU is shown beside it where every task's was measured.
    `  time in ops      ${s.cpuMs.toFixed(1)} ms (ops' wall time summed, waits included)`,
    ...(s.opCpuMs === undefined ? [] : [`  CPU in ops       ${s.opCpuMs.toFixed(1)} ms (measured on the executor threads)`]),
    // A planned run prices each executor at its own tier: costMemoryMb is then only the fallback.
    `  est. Lambda cost $${s.costUsd.toFixed(6)} = ${s.costFormula} (${describePricedTiers(report)})`,
    ...(report.cache ? [`  cache            ${formatCacheLine(report.cache)}`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** The summary as one JSON object (`--json`): the keys every run command prints. */
export function summaryJson(report: RunReport): Record<string, unknown> {
  const s = report.summary;
  return {
    ok: report.ok,
    runId: report.runId,
    dag: report.dagName,
    backend: report.backend,
    planner: report.planner,
    makespanMs: report.makespanMs,
    tasks: s.tasks,
    executors: s.executors,
    invocations: s.invocations,
    coldStarts: s.coldStarts,
    bytesWritten: s.bytesWritten,
    bytesRead: s.bytesRead,
    ...(s.sourceBytes !== undefined ? { sourceBytes: s.sourceBytes } : {}),
    cpuMs: s.cpuMs,
    ...(s.opCpuMs !== undefined ? { opCpuMs: s.opCpuMs } : {}),
    costUsd: s.costUsd,
    costFormula: s.costFormula,
    ...(report.cache ? { cache: { hits: report.cache.hits, recomputed: report.cache.recomputed, skipped: report.cache.skipped, corrupt: report.cache.corrupt, written: report.cache.written, ...(report.cache.plannedTasks === undefined ? {} : { plannedTasks: report.cache.plannedTasks }) } } : {}),
    ...(report.failure ? { failure: report.failure } : {}),
  };
}

/**
 * The simulated run's lower bound line. Below 0.05 ms (printed as 0.0: a DAG of near-instant
 * tasks) the ratio to it says nothing and is shown as "-", not as a ratio in the millions.
 */
export function formatLowerBound(stats: { readonly lowerBoundMs: number; readonly makespanOverLowerBound: number }): string {
  const ratio = stats.lowerBoundMs >= 0.05 && Number.isFinite(stats.makespanOverLowerBound) ? stats.makespanOverLowerBound.toFixed(2) : '-';
  return `  lower bound      ${stats.lowerBoundMs.toFixed(1)} ms (critical path of run times); makespan / lower bound ${ratio}`;
}
