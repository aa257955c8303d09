import type { Plan } from '../model/annotated-dag.js';
import { failureText } from './failure-text.js';
import { renderConcurrencySvg } from './html/concurrency-svg.js';
import { escapeHtml } from './html/escape-html.js';
import { formatCount } from './html/format-units.js';
import { renderGanttSvg, type GanttInput } from './html/gantt-svg.js';
import { opColors } from './html/op-colors.js';
import { renderPage } from './html/page-shell.js';
import { renderOpTable } from './html/op-table.js';
import { renderPlanSection } from './html/plan-table.js';
import { renderPlanVsActual } from './html/plan-vs-actual-table.js';
import { renderSummaryTable } from './html/summary-table.js';
import { renderCacheSection } from './html/cache-section.js';
import { renderVerificationFailedLine, renderVerificationSection } from './html/verification-section.js';
import type { Verification } from './verification.js';
import { opBreakdown } from './op-breakdown.js';
import { comparePlanToRun } from './plan-vs-actual.js';
import type { RunReport } from './run-report.js';
import { computeRunMetrics, type DependencyLookup, type RunMetrics } from './run-metrics.js';

/**
 * Runs with more tasks than this are drawn aggregated (concurrency by op over time, plus the
 * critical path's bars): one SVG group per task costs ~0.5 KB of page and Chromium lays out
 * 5,000 in well under a second, while 100,000 would be a 50 MB page.
 */
export const MAX_TASK_BARS = 5000;

export interface HtmlReportOptions {
  /** The DAG's edges: the critical path, lower bound and transfer split need them. */
  readonly dag?: DependencyLookup | undefined;
  /** The plan the run followed: its annotations are listed and added to the hover text. */
  readonly plan?: Plan | undefined;
  /** A replay's verdict on the run's outputs: a run can complete and still compute the wrong thing. */
  readonly verification?: Verification | undefined;
}

/**
 * One self-contained HTML page for a run report: summary table, Gantt chart of executors over
 * time (or its aggregate for large runs), op legend and the plan's annotations. Inline CSS, JS
 * and SVG only; a Content-Security-Policy forbids every network request. Pure.
 */
export function renderHtmlReport(report: RunReport, options: HtmlReportOptions = {}): string {
  const metrics = metricsFor(report, options.dag);
  const colors = opColors(report.tasks.map((t) => t.op));
  const aggregated = report.tasks.length > MAX_TASK_BARS;
  const chart = renderRunChart({ report, colors, criticalPath: metrics.criticalPath ?? [], plan: options.plan, spanMs: forecastSpanMs(options.plan) });
  const title = `wukong run ${report.dagName}`;
  const planVsActual = options.plan ? comparePlanToRun(options.plan, report) : undefined;
  return renderPage(title, [
    `<div class="meta">${runMeta(report)}</div>`,
    report.ok ? '' : `<p class="failed" id="failure">Run failed at ${escapeHtml(failureText(report.failure))}</p>`,
    renderVerificationFailedLine(options.verification),
    '<h2>Summary</h2>',
    renderSummaryTable(report, metrics, options.plan, options.verification),
    renderVerificationSection(options.verification),
    renderCacheSection(report.cache),
    `<h2>${aggregated ? 'Tasks running over time' : 'Executors over time'}</h2>`,
    chartCaption(report, metrics, aggregated),
    legend(report, colors, aggregated),
    `<div class="chart">${chart}</div>`,
    '<h2>Time by op</h2>',
    renderOpTable(opBreakdown(report), colors),
    planVsActual ? renderPlanVsActual(planVsActual) : '',
    options.plan ? renderPlanSection(options.plan) : '',
  ]);
}

/** The chart spans the plan's forecast too, so that every predicted bar is drawn. */
function forecastSpanMs(plan: Plan | undefined): number {
  let end = 0;
  for (const interval of Object.values(plan?.schedule ?? {})) end = Math.max(end, interval[1]);
  return end;
}

/** The run's chart: one bar per task, or the aggregate past MAX_TASK_BARS tasks. */
export function renderRunChart(input: GanttInput): string {
  return input.report.tasks.length > MAX_TASK_BARS ? renderConcurrencySvg(input) : renderGanttSvg(input);
}

/** One line naming the run: id, backend, planner, start. */
export function runMeta(report: RunReport): string {
  return `run <code>${escapeHtml(report.runId)}</code> · backend ${escapeHtml(report.backend)} · planner ${escapeHtml(report.planner)} · started ${escapeHtml(startedText(report))}`;
}

/** The DAG, when given, is the truth; else whatever metrics the report carries; else the DAG-free ones. */
function metricsFor(report: RunReport, dag: DependencyLookup | undefined): RunMetrics {
  if (dag) return computeRunMetrics(report, dag);
  return report.metrics ?? computeRunMetrics(report);
}

function startedText(report: RunReport): string {
  // Simulated runs count virtual ms from 0; real runs carry epoch ms.
  return report.backend === 'simulated' ? 'at virtual time 0' : new Date(report.startedAt).toISOString();
}

function chartCaption(report: RunReport, metrics: RunMetrics, aggregated: boolean): string {
  const path = metrics.criticalPath
    ? `The critical path (${formatCount(metrics.criticalPath.length)} tasks, red) is the chain that set the makespan: from the last task to finish, back through whichever input or earlier task on the same executor finished last.`
    : 'No critical path: the report carries no DAG (pass --dag).';
  if (aggregated) {
    return `<p class="note-large" id="aggregate-note">${formatCount(report.tasks.length)} tasks are more than the ${formatCount(MAX_TASK_BARS)} drawn one bar each: the chart stacks how many tasks of each op ran at each moment; the dashed line counts executors alive, the green line tasks moving data. ${escapeHtml(path)}</p>`;
  }
  return `<p>One lane per executor (its life in grey, cold starts dark grey, warm starts grey-blue, idle stretches hatched); tasks in their op's colour, input fetches (get) in teal before them, output uploads (put) in brown after them; times from the run's start. ${escapeHtml(path)} Hover for details.</p>`;
}

/** The op colours (with each op's task count, when `report` is given) and the chart's other colours. */
export function legend(report: RunReport | undefined, colors: ReadonlyMap<string, string>, aggregated: boolean): string {
  const counts = new Map<string, number>();
  for (const t of report?.tasks ?? []) counts.set(t.op, (counts.get(t.op) ?? 0) + 1);
  const ops = [...colors.entries()].map(([op, color]) => `<span data-op="${escapeHtml(op)}"><i style="background:${color}"></i>${escapeHtml(op)}${report ? ` (${formatCount(counts.get(op) ?? 0)})` : ''}</span>`);
  const kinds = aggregated
    ? []
    : ['<span><i style="background:#00897b"></i>get</span>', '<span><i style="background:#6d4c41"></i>put</span>', '<span><i style="background:#263238;opacity:.6"></i>cold start</span>', '<span><i style="background:#90a4ae;opacity:.6"></i>warm start</span>', '<span><i style="background:#cfd8dc"></i>idle</span>'];
  return `<div class="legend">${[...ops, ...kinds].join('')}</div>`;
}
