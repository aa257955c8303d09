import type { RunReport } from '../run-report.js';
import type { TaskTiming } from '../../model/run-events.js';
import type { Plan } from '../../model/annotated-dag.js';
import { escapeHtml } from './escape-html.js';
import { formatBytes, formatMs } from './format-units.js';

/** Pixel layout shared by the Gantt chart and the aggregate chart. */
export const LABEL_WIDTH_PX = 190;
export const PLOT_WIDTH_PX = 1000;
export const AXIS_HEIGHT_PX = 26;
export const RIGHT_MARGIN_PX = 16;

/** Maps run time (epoch or virtual ms, as the report has them) to x pixels. */
export class TimelineScale {
  readonly spanMs: number;

  constructor(readonly startMs: number, endMs: number) {
    this.spanMs = Math.max(endMs - startMs, 1);
  }

  /** The report's whole span, or at least `spanAtLeastMs` (two runs compared share one span). */
  static ofReport(report: RunReport, spanAtLeastMs = 0): TimelineScale {
    let end = report.startedAt + Math.max(report.makespanMs, spanAtLeastMs);
    for (const e of report.executors) end = Math.max(end, e.endedAt);
    for (const t of report.tasks) end = Math.max(end, t.endAt + t.putMs);
    return new TimelineScale(report.startedAt, end);
  }

  /** How long the report's chart must span to show all of it (what ofReport measures). */
  static spanOf(report: RunReport): number {
    return TimelineScale.ofReport(report).spanMs;
  }

  x(atMs: number): number {
    return LABEL_WIDTH_PX + ((atMs - this.startMs) / this.spanMs) * PLOT_WIDTH_PX;
  }

  /** Width of [fromMs, toMs], at least `minPx` so that instant events stay visible. */
  width(fromMs: number, toMs: number, minPx = 0): number {
    return Math.max(((toMs - fromMs) / this.spanMs) * PLOT_WIDTH_PX, minPx);
  }

  /** About eight ticks at 1, 2 or 5 x 10^k ms, as SVG lines and labels over a chart `heightPx` tall. */
  axis(heightPx: number): string {
    const raw = this.spanMs / 8;
    const magnitude = 10 ** Math.floor(Math.log10(raw));
    const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
    const parts: string[] = [];
    for (let t = 0; t <= this.spanMs + 1e-9; t += step) {
      const x = px(this.x(this.startMs + t));
      parts.push(`<line class="tick" x1="${x}" x2="${x}" y1="${AXIS_HEIGHT_PX - 6}" y2="${heightPx}"/>`);
      parts.push(`<text class="tick-label" x="${x}" y="${AXIS_HEIGHT_PX - 10}">${escapeHtml(formatMs(t))}</text>`);
    }
    return `<g class="axis">${parts.join('')}</g>`;
  }
}

/** SVG coordinates with at most two decimals keep the page small. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** The hover text of a task: id, op, times from the run's start, transfers, bytes, plan annotations. */
export function taskTooltip(t: TaskTiming, startMs: number, critical: boolean, plan: Plan | undefined, worker?: number): string {
  const rel = (at: number) => formatMs(at - startMs);
  const lines = [
    `${t.taskId} (${t.op})${critical ? ' - on the critical path' : ''}`,
    `executor ${t.executorId}${worker === undefined ? '' : `, worker ${worker}`}${t.dup ? ', duplicate run (task-dup)' : ''}`,
    `ready ${rel(t.readyAt)}, start ${rel(t.startAt)}, end ${rel(t.endAt)}: exec ${formatMs(t.execMs)}`,
    `get ${formatMs(t.getMs)} (${formatBytes(t.bytesRead)} read), put ${formatMs(t.putMs)} (${formatBytes(t.bytesWritten)} written)`,
    `input ${formatBytes(t.inputBytes)}, output ${formatBytes(t.outputBytes)}`,
  ];
  const annotation = plan?.tasks[t.taskId];
  if (annotation) {
    const tier = plan?.workers[String(annotation.worker)];
    const flags = [annotation.preload ? 'preload' : '', annotation.prewarm.length > 0 ? `prewarm ${annotation.prewarm.join(',')}` : '', annotation.dup ? 'dup' : '']
      .filter((f) => f !== '')
      .join(', ');
    lines.push(`plan: worker ${annotation.worker}${tier ? ` (${tier.memoryMb} MB, ${tier.vcpu} vCPU)` : ''}${flags ? `; ${flags}` : ''}`);
  }
  return lines.join('\n');
}
