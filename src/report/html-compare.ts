import { escapeHtml } from './html/escape-html.js';
import { formatBytes, formatCount, formatMs, formatUsd } from './html/format-units.js';
import { opColors } from './html/op-colors.js';
import { renderPage } from './html/page-shell.js';
import { TimelineScale } from './html/timeline-scale.js';
import { MAX_TASK_BARS, legend, renderRunChart, runMeta } from './html-report.js';
import { compareRuns, type ComparedFigure } from './run-comparison.js';
import type { RunReport } from './run-report.js';
import type { RunMetrics } from './run-metrics.js';

export interface ComparedRun {
  /** How the page names the run (its file name). */
  readonly label: string;
  readonly report: RunReport;
  readonly metrics: RunMetrics;
}

/**
 * `wukong report a.json b.json --html`: one page comparing two runs: every summary figure of
 * both with b / a (green where b is lower, red where higher: lower is better for all of them),
 * time by op of both, and both charts on one time axis with the same op colours. Pure.
 */
export function renderComparisonHtml(a: ComparedRun, b: ComparedRun): string {
  const cmp = compareRuns(a.report, a.metrics, b.report, b.metrics);
  const colors = opColors([...a.report.tasks, ...b.report.tasks].map((t) => t.op));
  const spanMs = Math.max(TimelineScale.spanOf(a.report), TimelineScale.spanOf(b.report));
  const chart = (run: ComparedRun, id: string) =>
    `<h2>${id}: ${escapeHtml(run.label)}</h2><div class="meta">${runMeta(run.report)}</div><div class="chart" id="chart-${id.toLowerCase()}">${renderRunChart({ report: run.report, colors, criticalPath: run.metrics.criticalPath ?? [], spanMs })}</div>`;
  const figureRows = cmp.figures.map((f) => `<tr data-metric="${f.metric}"><th scope="row">${escapeHtml(f.label)}</th><td>${escapeHtml(formatFigure(f, f.a))}</td><td>${escapeHtml(formatFigure(f, f.b))}</td>${ratioCell(f.ratio)}</tr>`);
  const opRows = cmp.ops.map(
    (o) =>
      `<tr data-op="${escapeHtml(o.op)}"><th scope="row">${escapeHtml(o.op)}</th><td>${formatCount(o.tasksA)}</td><td>${formatCount(o.tasksB)}</td><td>${formatMs(o.execMsA)}</td><td>${formatMs(o.execMsB)}</td>${ratioCell(o.execMsA > 0 ? o.execMsB / o.execMsA : undefined)}<td>${formatMs(o.transferMsA)}</td><td>${formatMs(o.transferMsB)}</td>${ratioCell(o.transferMsA > 0 ? o.transferMsB / o.transferMsA : undefined)}</tr>`,
  );
  return renderPage(`wukong: ${a.report.dagName} vs ${b.report.dagName}`, [
    `<div class="meta">A: ${escapeHtml(a.label)} · B: ${escapeHtml(b.label)}</div>`,
    '<h2>Figures</h2>',
    `<table id="comparison" class="compare"><thead><tr><th></th><th>A</th><th>B</th><th>B / A</th></tr></thead><tbody>${figureRows.join('')}</tbody></table>`,
    '<h2>Time by op</h2>',
    `<table id="comparison-by-op" class="compare"><thead><tr><th>op</th><th>tasks A</th><th>tasks B</th><th>exec A</th><th>exec B</th><th>B / A</th><th>get + put A</th><th>get + put B</th><th>B / A</th></tr></thead><tbody>${opRows.join('')}</tbody></table>`,
    legend(undefined, colors, Math.max(a.report.tasks.length, b.report.tasks.length) > MAX_TASK_BARS),
    chart(a, 'A'),
    chart(b, 'B'),
  ]);
}

/** A compared figure in its unit, as the page and `wukong report a b` print it. */
export function formatFigure(f: ComparedFigure, value: number): string {
  switch (f.unit) {
    case 'ms':
      return formatMs(value);
    case 'bytes':
      return formatBytes(value);
    case 'usd':
      return formatUsd(value);
    case 'gb-s':
      return value.toFixed(3);
    case 'count':
      return Number.isInteger(value) ? formatCount(value) : value.toFixed(2);
  }
}

function ratioCell(ratio: number | undefined): string {
  if (ratio === undefined) return '<td class="ratio">-</td>';
  const kind = ratio < 0.995 ? ' better' : ratio > 1.005 ? ' worse' : '';
  return `<td class="ratio${kind}" data-value="${escapeHtml(ratio)}">${ratio.toFixed(2)}x</td>`;
}
