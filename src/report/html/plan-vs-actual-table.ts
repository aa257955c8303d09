import type { PlanVsActual } from '../plan-vs-actual.js';
import { escapeHtml } from './escape-html.js';
import { formatCount, formatMs, formatUsd } from './format-units.js';

/** "Plan vs actual": the forecast makespan and cost beside the run's, then the tasks that missed most. */
export function renderPlanVsActual(cmp: PlanVsActual): string {
  const ratio = (actual: number, predicted: number | undefined) => (predicted && predicted > 0 ? `${(actual / predicted).toFixed(2)}x` : '-');
  const summary = [
    '<tr><th></th><th>predicted</th><th>actual</th><th>actual / predicted</th></tr>',
    `<tr><th scope="row">Makespan</th><td data-metric="predicted-makespan" data-value="${escapeHtml(cmp.predictedMakespanMs ?? '')}">${cmp.predictedMakespanMs === undefined ? '-' : formatMs(cmp.predictedMakespanMs)}</td><td data-metric="actual-makespan" data-value="${escapeHtml(cmp.actualMakespanMs)}">${formatMs(cmp.actualMakespanMs)}</td><td>${ratio(cmp.actualMakespanMs, cmp.predictedMakespanMs)}</td></tr>`,
    `<tr><th scope="row">Cost</th><td>${cmp.predictedCostUsd === undefined ? '-' : formatUsd(cmp.predictedCostUsd)}</td><td>${formatUsd(cmp.actualCostUsd)}</td><td>${ratio(cmp.actualCostUsd, cmp.predictedCostUsd)}</td></tr>`,
  ].join('');
  const worst = cmp.worst
    .map((m) => `<tr data-task-id="${escapeHtml(m.taskId)}"><td>${escapeHtml(m.taskId)}</td><td>${escapeHtml(m.op)}</td><td>${formatMs(m.predictedStartMs)} - ${formatMs(m.predictedEndMs)}</td><td>${formatMs(m.actualStartMs)} - ${formatMs(m.actualEndMs)}</td><td data-metric="end-miss" data-value="${escapeHtml(m.endMissMs)}">${m.endMissMs >= 0 ? '+' : ''}${formatMs(m.endMissMs)}</td></tr>`)
    .join('');
  return [
    '<section id="plan-vs-actual"><h2>Plan vs actual</h2>',
    `<p>The planner's forecast (the shared estimator) against this run. In the chart, each task's forecast is the thin bar under its real one. ${formatCount(cmp.compared)} tasks compared; mean exec-time miss ${formatMs(cmp.meanExecMissMs)}.</p>`,
    `<table class="plan-vs-actual"><tbody>${summary}</tbody></table>`,
    worst ? `<table class="forecast-misses"><caption>Tasks whose end missed the forecast most (times from the run's start)</caption><thead><tr><th>task</th><th>op</th><th>predicted</th><th>actual</th><th>end miss</th></tr></thead><tbody>${worst}</tbody></table>` : '',
    '</section>',
  ].join('');
}
