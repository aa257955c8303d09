import type { TaskTiming } from '../../model/run-events.js';
import { escapeHtml } from './escape-html.js';
import { formatCount, formatMs } from './format-units.js';
import type { GanttInput } from './gantt-svg.js';
import { AXIS_HEIGHT_PX, LABEL_WIDTH_PX, PLOT_WIDTH_PX, RIGHT_MARGIN_PX, TimelineScale, px, taskTooltip } from './timeline-scale.js';

/** Time buckets of the aggregate chart: one per two pixels. */
export const AGGREGATE_BUCKETS = 500;
/** Ops drawn as their own band; the rest are summed into "other ops". */
const MAX_BANDS = 9;
const CHART_HEIGHT_PX = 260;
const CRITICAL_LANE_PX = 22;
/** A lane 1,000 px wide shows no more bars than this; a longer critical path shows its longest tasks. */
export const MAX_CRITICAL_BARS = 1000;

/**
 * The view of a run too large for one bar per task: how many tasks of each op ran at each moment
 * (time-weighted over AGGREGATE_BUCKETS buckets, stacked by op), tasks moving data (get/put) and
 * executors alive as lines, and below it the critical path's tasks as individual bars.
 * O(tasks + buckets x bands) and a page of a few hundred kilobytes whatever the run's size.
 */
export function renderConcurrencySvg(input: GanttInput): string {
  const { report } = input;
  const scale = TimelineScale.ofReport(report, input.spanMs);
  const bucketMs = scale.spanMs / AGGREGATE_BUCKETS;
  const bands = bandOps(report.tasks, input.colors);
  const running = bands.map(() => new Float64Array(AGGREGATE_BUCKETS));
  const moving = new Float64Array(AGGREGATE_BUCKETS);
  const alive = new Float64Array(AGGREGATE_BUCKETS);
  const bandOf = new Map(bands.flatMap((b, i) => b.ops.map((op) => [op, i] as const)));
  for (const t of report.tasks) {
    addBusy(running[bandOf.get(t.op) ?? bands.length - 1] as Float64Array, t.startAt, t.endAt, scale, bucketMs);
    addBusy(moving, t.readyAt, t.readyAt + t.getMs, scale, bucketMs);
    addBusy(moving, t.endAt, t.endAt + t.putMs, scale, bucketMs);
  }
  for (const e of report.executors) addBusy(alive, e.startedAt, e.endedAt, scale, bucketMs);

  const stacked = running.map(() => new Float64Array(AGGREGATE_BUCKETS));
  let peak = 1;
  for (let b = 0; b < AGGREGATE_BUCKETS; b += 1) {
    let sum = 0;
    running.forEach((series, i) => {
      sum += series[b] as number;
      (stacked[i] as Float64Array)[b] = sum;
    });
    peak = Math.max(peak, sum, alive[b] as number, moving[b] as number);
  }
  const baseY = AXIS_HEIGHT_PX + CHART_HEIGHT_PX;
  const y = (v: number) => baseY - (v / peak) * (CHART_HEIGHT_PX - 10);
  const bucketX = (b: number) => LABEL_WIDTH_PX + (b / AGGREGATE_BUCKETS) * PLOT_WIDTH_PX;
  const heightPx = baseY + CRITICAL_LANE_PX + 8;
  const parts: string[] = [scale.axis(baseY)];

  for (let i = bands.length - 1; i >= 0; i -= 1) {
    const top = stacked[i] as Float64Array;
    const below = i > 0 ? (stacked[i - 1] as Float64Array) : new Float64Array(AGGREGATE_BUCKETS);
    const band = bands[i] as Band;
    parts.push(`<path class="band" fill="${band.color}" d="${areaPath(top, below, bucketX, y)}"><title>${escapeHtml(`${band.label}: up to ${Math.max(...(running[i] as Float64Array)).toFixed(1)} running at once`)}</title></path>`);
  }
  parts.push(`<path class="series moving" d="${linePath(moving, bucketX, y)}"><title>tasks fetching or storing data</title></path>`);
  parts.push(`<path class="series alive" d="${linePath(alive, bucketX, y)}"><title>executors alive</title></path>`);
  parts.push(`<text class="lane-label" x="${LABEL_WIDTH_PX - 6}" y="${px(AXIS_HEIGHT_PX + 12)}">${escapeHtml(`${peak.toFixed(0)} at once`)}</text>`);
  parts.push(`<text class="lane-label" x="${LABEL_WIDTH_PX - 6}" y="${px(baseY)}">0</text>`);

  const critical = longestCriticalTasks(report.tasks, input.criticalPath);
  const laneTop = baseY + 6;
  const shown = critical.size < input.criticalPath.length ? ` (longest ${formatCount(critical.size)} of ${formatCount(input.criticalPath.length)})` : '';
  parts.push(`<text class="lane-label" x="${LABEL_WIDTH_PX - 6}" y="${px(laneTop + 13)}">critical path${escapeHtml(shown)}</text>`);
  for (const t of report.tasks) {
    if (!critical.has(t.taskId)) continue;
    const x = px(scale.x(t.startAt));
    parts.push(`<g class="task critical" data-task-id="${escapeHtml(t.taskId)}" data-op="${escapeHtml(t.op)}" data-critical="true"><title>${escapeHtml(taskTooltip(t, scale.startMs, true, input.plan))}</title><rect class="exec" x="${x}" y="${px(laneTop + 2)}" width="${px(scale.width(t.startAt, t.endAt, 1))}" height="12" fill="${input.colors.get(t.op) ?? '#888'}"/></g>`);
  }
  const widthPx = LABEL_WIDTH_PX + PLOT_WIDTH_PX + RIGHT_MARGIN_PX;
  const label = `${formatCount(report.tasks.length)} tasks aggregated into ${AGGREGATE_BUCKETS} buckets of ${formatMs(bucketMs)}`;
  return `<svg id="gantt" class="gantt aggregate" width="${widthPx}" height="${px(heightPx)}" viewBox="0 0 ${widthPx} ${px(heightPx)}" role="img" aria-label="${escapeHtml(label)}">${parts.join('')}</svg>`;
}

/** The critical path's task ids, or its MAX_CRITICAL_BARS longest-running ones. */
function longestCriticalTasks(tasks: readonly TaskTiming[], path: readonly string[]): Set<string> {
  if (path.length <= MAX_CRITICAL_BARS) return new Set(path);
  const onPath = new Set(path);
  const runs = tasks.filter((t) => onPath.has(t.taskId)).sort((a, b) => b.endAt - b.startAt - (a.endAt - a.startAt));
  return new Set(runs.slice(0, MAX_CRITICAL_BARS).map((t) => t.taskId));
}

interface Band {
  readonly label: string;
  readonly color: string;
  readonly ops: string[];
}

/** The ops with the most exec time get a band each; the rest share the last one. */
function bandOps(tasks: readonly TaskTiming[], colors: ReadonlyMap<string, string>): Band[] {
  const execByOp = new Map<string, number>();
  for (const t of tasks) execByOp.set(t.op, (execByOp.get(t.op) ?? 0) + (t.endAt - t.startAt));
  const ranked = [...execByOp.keys()].sort((a, b) => (execByOp.get(b) as number) - (execByOp.get(a) as number));
  if (ranked.length <= MAX_BANDS) return ranked.map((op) => ({ label: op, color: colors.get(op) ?? '#888', ops: [op] }));
  const bands: Band[] = ranked.slice(0, MAX_BANDS - 1).map((op) => ({ label: op, color: colors.get(op) ?? '#888', ops: [op] }));
  bands.push({ label: `${ranked.length - MAX_BANDS + 1} other ops`, color: '#bbb', ops: ranked.slice(MAX_BANDS - 1) });
  return bands;
}

/** Adds the overlap of [fromMs, toMs) with each bucket, as a fraction of the bucket. */
function addBusy(series: Float64Array, fromMs: number, toMs: number, scale: TimelineScale, bucketMs: number): void {
  if (toMs <= fromMs) return;
  const from = (fromMs - scale.startMs) / bucketMs;
  const to = (toMs - scale.startMs) / bucketMs;
  const last = Math.min(Math.ceil(to), AGGREGATE_BUCKETS);
  for (let b = Math.max(Math.floor(from), 0); b < last; b += 1) series[b] = (series[b] as number) + Math.min(to, b + 1) - Math.max(from, b);
}

function areaPath(top: Float64Array, below: Float64Array, x: (b: number) => number, y: (v: number) => number): string {
  const upper: string[] = [];
  const lower: string[] = [];
  for (let b = 0; b < top.length; b += 1) {
    upper.push(`${px(x(b))} ${px(y(top[b] as number))}`, `${px(x(b + 1))} ${px(y(top[b] as number))}`);
    lower.push(`${px(x(b))} ${px(y(below[b] as number))}`, `${px(x(b + 1))} ${px(y(below[b] as number))}`);
  }
  return `M${upper.join('L')}L${lower.reverse().join('L')}Z`;
}

function linePath(series: Float64Array, x: (b: number) => number, y: (v: number) => number): string {
  const points: string[] = [];
  for (let b = 0; b < series.length; b += 1) points.push(`${px(x(b + 0.5))} ${px(y(series[b] as number))}`);
  return `M${points.join('L')}`;
}
