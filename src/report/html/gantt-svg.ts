import type { Plan } from '../../model/annotated-dag.js';
import type { ExecutorReport, TaskTiming } from '../../model/run-events.js';
import type { RunReport } from '../run-report.js';
import { escapeHtml } from './escape-html.js';
import { formatMs } from './format-units.js';
import { AXIS_HEIGHT_PX, LABEL_WIDTH_PX, PLOT_WIDTH_PX, RIGHT_MARGIN_PX, TimelineScale, px, taskTooltip } from './timeline-scale.js';

const LANE_HEIGHT_PX = 18;
const BAR_HEIGHT_PX = 12;
/** Beyond this many executors, executors that never overlap in time share a row. */
export const MAX_GANTT_LANES = 400;
/** Diagonal stripes for idle stretches (referenced by the page's CSS as url(#hatch)). */
const HATCH_PATTERN = '<defs><pattern id="hatch" patternUnits="userSpaceOnUse" width="5" height="5" patternTransform="rotate(45)"><rect width="2" height="5" fill="#b0bec5"/></pattern></defs>';

export interface GanttInput {
  readonly report: RunReport;
  readonly colors: ReadonlyMap<string, string>;
  readonly criticalPath: readonly string[];
  readonly plan?: Plan | undefined;
  /** Draw at least this span (ms), so that two runs compared side by side share one time axis. */
  readonly spanMs?: number | undefined;
}

interface Lane {
  readonly label: string;
  readonly title: string;
  readonly executors: ExecutorReport[];
}

/**
 * The Gantt chart: one lane per executor (its life as a grey bar, its start-up as a cold/warm
 * segment, idle stretches hatched), each task as a bar in its op's colour with its input fetch
 * (get) before it and its output upload (put) after it; critical-path bars outlined in red and
 * linked. Every element has a <title>: the hover text.
 */
export function renderGanttSvg(input: GanttInput): string {
  const { report } = input;
  const scale = TimelineScale.ofReport(report, input.spanMs);
  const critical = new Set(input.criticalPath);
  const tasksByExecutor = groupTasks(report.tasks);
  const lanes = buildLanes(report.executors, tasksByExecutor);
  const heightPx = AXIS_HEIGHT_PX + lanes.length * LANE_HEIGHT_PX + 6;
  const widthPx = LABEL_WIDTH_PX + PLOT_WIDTH_PX + RIGHT_MARGIN_PX;
  const barY = new Map<string, number>();
  const parts: string[] = [HATCH_PATTERN, scale.axis(heightPx)];

  lanes.forEach((lane, i) => {
    const y = AXIS_HEIGHT_PX + i * LANE_HEIGHT_PX;
    const barTop = y + (LANE_HEIGHT_PX - BAR_HEIGHT_PX) / 2;
    parts.push(`<g class="lane" data-lane="${i}">`);
    parts.push(`<text class="lane-label" x="${LABEL_WIDTH_PX - 6}" y="${px(y + LANE_HEIGHT_PX - 5)}"><title>${escapeHtml(lane.title)}</title>${escapeHtml(truncate(lane.label, 28))}</text>`);
    for (const executor of lane.executors) {
      const tasks = tasksByExecutor.get(executor.executorId) ?? [];
      parts.push(executorBars(executor, tasks, scale, barTop));
      for (const t of tasks) {
        barY.set(t.taskId, barTop + BAR_HEIGHT_PX / 2);
        parts.push(taskBar(t, executor.worker, scale, barTop, critical.has(t.taskId), input));
      }
    }
    parts.push('</g>');
  });
  parts.push(criticalLinks(input.criticalPath, report.tasks, scale, barY));

  return `<svg id="gantt" class="gantt" width="${widthPx}" height="${px(heightPx)}" viewBox="0 0 ${widthPx} ${px(heightPx)}" role="img" aria-label="Gantt chart of ${lanes.length} executor lanes">${parts.join('')}</svg>`;
}

function groupTasks(tasks: readonly TaskTiming[]): Map<string, TaskTiming[]> {
  const byExecutor = new Map<string, TaskTiming[]>();
  for (const t of tasks) {
    const list = byExecutor.get(t.executorId);
    if (list) list.push(t);
    else byExecutor.set(t.executorId, [t]);
  }
  for (const list of byExecutor.values()) list.sort((a, b) => a.readyAt - b.readyAt);
  return byExecutor;
}

/**
 * One lane per executor, in start order. Tasks whose executor sent no report (a failed run) get
 * a lane of their own. Past MAX_GANTT_LANES, executors are packed first-fit into rows they do not
 * overlap in, as containers are reused, so the chart stays a screen or two tall.
 */
function buildLanes(reported: readonly ExecutorReport[], tasksByExecutor: ReadonlyMap<string, TaskTiming[]>): Lane[] {
  const executors = [...reported];
  const known = new Set(executors.map((e) => e.executorId));
  for (const [executorId, tasks] of tasksByExecutor) {
    if (known.has(executorId)) continue;
    const first = tasks[0] as TaskTiming;
    const last = tasks.reduce((end, t) => Math.max(end, t.endAt + t.putMs), first.endAt);
    executors.push({ executorId, startTaskId: first.taskId, startedAt: first.readyAt, endedAt: last, cold: false, memoryMb: 0, cpuMs: 0, peakMemoryBytes: 0, invocations: 0, invoked: [], tasks: [] });
  }
  executors.sort((a, b) => a.startedAt - b.startedAt);
  const describe = (e: ExecutorReport) => `executor ${e.executorId}${e.worker === undefined ? '' : ` (worker ${e.worker})`}: ${e.cold ? 'cold' : 'warm'} start, ${formatMs(e.endedAt - e.startedAt)}${e.memoryMb ? `, ${e.memoryMb} MB` : ''}, invoked ${e.invoked.length}`;
  if (executors.length <= MAX_GANTT_LANES) return executors.map((e) => ({ label: e.worker === undefined ? e.executorId : `w${e.worker} ${e.executorId}`, title: describe(e), executors: [e] }));

  const rows: { endMs: number; executors: ExecutorReport[] }[] = [];
  for (const e of executors) {
    const row = rows.find((r) => r.endMs <= e.startedAt);
    if (row) {
      row.executors.push(e);
      row.endMs = e.endedAt;
    } else {
      rows.push({ endMs: e.endedAt, executors: [e] });
    }
  }
  return rows.map((r, i) => ({
    label: `row ${i + 1} (${r.executors.length} exec.)`,
    title: `executors that never overlap share this row: ${r.executors.map((e) => e.executorId).join(', ')}`,
    executors: r.executors,
  }));
}

/** The executor's life, its start-up (first instant to its first task) and its idle stretches. */
function executorBars(e: ExecutorReport, tasks: readonly TaskTiming[], scale: TimelineScale, top: number): string {
  const parts = [
    `<rect class="executor${e.cold ? ' cold' : ' warm'}" data-executor-id="${escapeHtml(e.executorId)}" x="${px(scale.x(e.startedAt))}" y="${px(top - 2)}" width="${px(scale.width(e.startedAt, e.endedAt, 1))}" height="${BAR_HEIGHT_PX + 4}"><title>${escapeHtml(`executor ${e.executorId}: ${formatMs(e.endedAt - e.startedAt)}, ${e.cold ? 'cold' : 'warm'} start`)}</title></rect>`,
  ];
  const firstReady = tasks[0]?.readyAt;
  if (firstReady !== undefined && firstReady > e.startedAt) {
    const kind = e.cold ? 'cold' : 'warm';
    parts.push(`<rect class="startup ${kind}" x="${px(scale.x(e.startedAt))}" y="${px(top)}" width="${px(scale.width(e.startedAt, firstReady, 1))}" height="${BAR_HEIGHT_PX}"><title>${escapeHtml(`${kind} start of ${e.executorId}: ${formatMs(firstReady - e.startedAt)} before its first task`)}</title></rect>`);
  }
  let busyUntil = firstReady;
  for (const t of tasks) {
    if (busyUntil !== undefined && t.readyAt > busyUntil) parts.push(waitBar(busyUntil, t.readyAt, `${e.executorId} waits ${formatMs(t.readyAt - busyUntil)} before ${t.taskId}`, scale, top));
    busyUntil = Math.max(busyUntil ?? t.readyAt, t.endAt + t.putMs);
  }
  if (busyUntil !== undefined && e.endedAt > busyUntil) parts.push(waitBar(busyUntil, e.endedAt, `${e.executorId}: ${formatMs(e.endedAt - busyUntil)} after its last task (fan-in checks, invocations, exit)`, scale, top));
  return parts.join('');
}

function waitBar(fromMs: number, toMs: number, title: string, scale: TimelineScale, top: number): string {
  return `<rect class="wait" x="${px(scale.x(fromMs))}" y="${px(top)}" width="${px(scale.width(fromMs, toMs))}" height="${BAR_HEIGHT_PX}"><title>${escapeHtml(title)}</title></rect>`;
}

function taskBar(t: TaskTiming, worker: number | undefined, scale: TimelineScale, top: number, critical: boolean, input: GanttInput): string {
  const color = input.colors.get(t.op) ?? '#888';
  const classes = ['task', critical ? 'critical' : '', t.dup ? 'dup' : ''].filter((c) => c !== '').join(' ');
  const getEnd = Math.min(t.readyAt + t.getMs, t.startAt);
  const rects = [
    t.getMs > 0 ? `<rect class="get" x="${px(scale.x(t.readyAt))}" y="${px(top + 2)}" width="${px(scale.width(t.readyAt, getEnd, 0.5))}" height="${BAR_HEIGHT_PX - 4}"/>` : '',
    `<rect class="exec" x="${px(scale.x(t.startAt))}" y="${px(top)}" width="${px(scale.width(t.startAt, t.endAt, 1))}" height="${BAR_HEIGHT_PX}" fill="${color}"/>`,
    t.putMs > 0 ? `<rect class="put" x="${px(scale.x(t.endAt))}" y="${px(top + 2)}" width="${px(scale.width(t.endAt, t.endAt + t.putMs, 0.5))}" height="${BAR_HEIGHT_PX - 4}"/>` : '',
    t.dup ? '' : predictedBar(t, scale, top, input),
  ];
  const tooltip = taskTooltip(t, scale.startMs, critical, input.plan, worker);
  return `<g class="${classes}" data-task-id="${escapeHtml(t.taskId)}" data-op="${escapeHtml(t.op)}"${critical ? ' data-critical="true"' : ''}><title>${escapeHtml(tooltip)}</title>${rects.join('')}</g>`;
}

/** The plan's forecast of the task's compute, a thin bar just under the real one (plan vs actual). */
function predictedBar(t: TaskTiming, scale: TimelineScale, top: number, input: GanttInput): string {
  const schedule = input.plan?.schedule;
  if (!schedule || !Object.hasOwn(schedule, t.taskId)) return '';
  const [fromMs, toMs] = schedule[t.taskId] as [number, number];
  const from = input.report.startedAt + fromMs;
  return `<rect class="predicted" x="${px(scale.x(from))}" y="${px(top + BAR_HEIGHT_PX + 0.5)}" width="${px(scale.width(from, input.report.startedAt + toMs, 1))}" height="2.5" fill="${input.colors.get(t.op) ?? '#888'}"/>`;
}

/** Red segments from each critical-path task's finish to the next one's start. */
function criticalLinks(path: readonly string[], tasks: readonly TaskTiming[], scale: TimelineScale, barY: ReadonlyMap<string, number>): string {
  const byId = new Map(tasks.map((t) => [t.taskId, t]));
  const segments: string[] = [];
  for (let i = 1; i < path.length; i += 1) {
    const from = byId.get(path[i - 1] as string);
    const to = byId.get(path[i] as string);
    const y1 = barY.get(path[i - 1] as string);
    const y2 = barY.get(path[i] as string);
    if (!from || !to || y1 === undefined || y2 === undefined) continue;
    segments.push(`M${px(scale.x(from.endAt + from.putMs))} ${px(y1)}L${px(scale.x(to.readyAt))} ${px(y2)}`);
  }
  return segments.length > 0 ? `<path class="critical-link" d="${segments.join('')}"><title>critical path</title></path>` : '';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
