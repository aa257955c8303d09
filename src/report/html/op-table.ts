import type { OpTime } from '../op-breakdown.js';
import { escapeHtml } from './escape-html.js';
import { formatBytes, formatCount, formatMs } from './format-units.js';

/** Width of the share bar of the op that took the most time. */
const SHARE_BAR_PX = 160;

/**
 * "Time by op": one row per op with its task count, exec/get/put totals, mean and longest exec,
 * bytes moved, and a bar of its share split into exec (op colour), get (teal) and put (brown).
 * Each figure cell carries data-metric and the raw data-value, like the summary table.
 */
export function renderOpTable(rows: readonly OpTime[], colors: ReadonlyMap<string, string>): string {
  const top = rows.reduce((m, r) => Math.max(m, r.execMs + r.getMs + r.putMs), 0);
  const scale = top > 0 ? SHARE_BAR_PX / top : 0;
  const body = rows.map((r) => {
    const cell = (metric: string, value: number, text: string) => `<td data-metric="${metric}" data-value="${escapeHtml(value)}">${escapeHtml(text)}</td>`;
    const bar = [
      `<i class="seg" style="width:${(r.execMs * scale).toFixed(1)}px;background:${colors.get(r.op) ?? '#888'}"></i>`,
      `<i class="seg get" style="width:${(r.getMs * scale).toFixed(1)}px"></i>`,
      `<i class="seg put" style="width:${(r.putMs * scale).toFixed(1)}px"></i>`,
    ].join('');
    return [
      `<tr data-op="${escapeHtml(r.op)}"><th scope="row">${escapeHtml(r.op)}</th>`,
      cell('tasks', r.tasks, formatCount(r.tasks)),
      cell('exec', r.execMs, formatMs(r.execMs)),
      cell('exec-mean', r.runs > 0 ? r.execMs / r.runs : 0, formatMs(r.runs > 0 ? r.execMs / r.runs : 0)),
      cell('exec-max', r.maxExecMs, formatMs(r.maxExecMs)),
      cell('get', r.getMs, formatMs(r.getMs)),
      cell('put', r.putMs, formatMs(r.putMs)),
      cell('bytes-read', r.bytesRead, formatBytes(r.bytesRead)),
      cell('bytes-written', r.bytesWritten, formatBytes(r.bytesWritten)),
      cell('share', r.share, `${(r.share * 100).toFixed(1)} %`),
      `<td class="share-bar">${bar}</td></tr>`,
    ].join('');
  });
  const head = '<tr><th>op</th><th>tasks</th><th>exec</th><th>mean exec</th><th>longest exec</th><th>get</th><th>put</th><th>read</th><th>written</th><th>share</th><th></th></tr>';
  return `<table id="time-by-op" class="by-op"><caption>Summed over tasks (concurrent tasks add up, so totals can exceed the makespan); share is of exec + get + put.</caption><thead>${head}</thead><tbody>${body.join('')}</tbody></table>`;
}
