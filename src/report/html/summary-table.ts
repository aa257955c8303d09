import type { Plan } from '../../model/annotated-dag.js';
import { failureText } from '../failure-text.js';
import type { RunReport } from '../run-report.js';
import type { RunMetrics } from '../run-metrics.js';
import type { Verification } from '../verification.js';
import { escapeHtml } from './escape-html.js';
import { formatBytes, formatCount, formatMs, formatUsd } from './format-units.js';
import { verifiedStatus } from './verification-section.js';

interface Row {
  readonly metric: string;
  readonly label: string;
  readonly text: string;
  readonly value?: number;
  readonly note?: string;
}

const NEEDS_DAG = 'needs the DAG: wukong report RUN.json --html OUT.html --dag DAG.json';

/** The summary table of DESIGN.md §6; each value cell carries data-metric and the raw data-value. */
export function renderSummaryTable(report: RunReport, metrics: RunMetrics, plan: Plan | undefined, verification?: Verification): string {
  const s = report.summary;
  const ratio = metrics.makespanOverLowerBound;
  const rows: Row[] = [
    { metric: 'status', label: 'Status', text: report.ok ? verifiedStatus(verification) : `failed at ${failureText(report.failure)}` },
    { metric: 'makespan', label: 'Makespan', text: formatMs(report.makespanMs), value: report.makespanMs },
    metrics.lowerBoundMs === undefined
      ? { metric: 'lower-bound', label: 'Lower bound', text: 'unknown', note: NEEDS_DAG }
      : { metric: 'lower-bound', label: 'Lower bound', text: formatMs(metrics.lowerBoundMs), value: metrics.lowerBoundMs, note: 'critical path of measured exec times, zero transfer and start-up cost' },
    { metric: 'makespan-over-lower-bound', label: 'Makespan / lower bound', text: ratio === undefined ? 'unknown' : ratio.toFixed(2), ...(ratio === undefined ? {} : { value: ratio }) },
    { metric: 'cpu', label: 'time in ops', text: formatMs(s.cpuMs), value: s.cpuMs, note: "ops' wall time summed, waits included" },
    { metric: 'gb-seconds', label: 'GB-s', text: s.gbSeconds.toFixed(3), value: s.gbSeconds },
    { metric: 'invocations', label: 'Invocations', text: `${formatCount(s.invocations)} (${formatCount(s.coldStarts)} cold)`, value: s.invocations },
    { metric: 'tasks', label: 'Tasks / executors', text: `${formatCount(s.tasks)} / ${formatCount(s.executors)}`, value: s.tasks },
    { metric: 'bytes-written', label: 'Bytes written', text: formatBytes(s.bytesWritten), value: s.bytesWritten },
    { metric: 'bytes-read', label: 'Bytes read', text: formatBytes(s.bytesRead), value: s.bytesRead },
    { metric: 'peak-held', label: 'Peak bytes held', text: `${formatBytes(metrics.peakHeldBytes)} at ${formatMs(metrics.peakHeldAtMs)}`, value: metrics.peakHeldBytes, note: 'intermediate store; nothing is freed before the run ends' },
    ...(metrics.peakLiveBytes === undefined ? [] : [{ metric: 'peak-live', label: 'Peak bytes still needed', text: formatBytes(metrics.peakLiveBytes), value: metrics.peakLiveBytes, note: 'were each output freed once its last consumer fetched it' }]),
    { metric: 'transfer', label: 'Transfer time (get + put)', text: `${formatMs(metrics.transferMs)} (get ${formatMs(s.getMs)}, put ${formatMs(s.putMs)})`, value: metrics.transferMs },
    metrics.criticalPathTransferMs === undefined
      ? { metric: 'transfer-critical', label: 'Transfer on / off critical path', text: 'unknown', note: NEEDS_DAG }
      : {
          metric: 'transfer-critical',
          label: 'Transfer on / off critical path',
          text: `${formatMs(metrics.criticalPathTransferMs)} / ${formatMs(metrics.offCriticalPathTransferMs ?? 0)}`,
          value: metrics.criticalPathTransferMs,
          note: `critical path: ${formatCount(metrics.criticalPath?.length ?? 0)} tasks`,
        },
    ...(metrics.criticalPathStartMs === undefined
      ? []
      : [{ metric: 'critical-path-start', label: 'Critical path starts at', text: formatMs(metrics.criticalPathStartMs), value: metrics.criticalPathStartMs, note: 'time before it went to invocations, start-ups and queueing' }]),
    { metric: 'cost', label: 'Cost', text: formatUsd(s.costUsd), value: s.costUsd, note: s.costFormula },
  ];
  if (plan?.predicted) {
    rows.push({ metric: 'predicted', label: 'Plan predicted', text: `${formatMs(plan.predicted.makespanMs)}, ${formatUsd(plan.predicted.costUsd)}`, value: plan.predicted.makespanMs, note: `${plan.algorithm}, SLA ${plan.sla}` });
  }
  const body = rows
    .map((r) => {
      const value = r.value === undefined ? '' : ` data-value="${escapeHtml(r.value)}"`;
      const note = r.note === undefined ? '' : `<td class="note">${escapeHtml(r.note)}</td>`;
      return `<tr><th scope="row">${escapeHtml(r.label)}</th><td data-metric="${r.metric}"${value}>${escapeHtml(r.text)}</td>${note}</tr>`;
    })
    .join('');
  return `<table id="summary" class="summary"><tbody>${body}</tbody></table>`;
}
