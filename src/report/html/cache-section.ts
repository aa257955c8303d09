import type { CacheSummary } from '../cache-summary.js';
import { formatCacheLine } from '../cache-summary.js';
import { escapeHtml } from './escape-html.js';

/** Tasks listed one per row at most; a larger re-run is summarized by reason in the line above. */
const MAX_ROWS = 500;

/** The result cache section of the HTML page: the summary line and each re-run task with why. */
export function renderCacheSection(cache: CacheSummary | undefined): string {
  if (!cache) return '';
  const rows = cache.recomputed.slice(0, MAX_ROWS).map((r) => `<tr><td>${escapeHtml(r.taskId)}</td><td>${escapeHtml(r.reason)}</td></tr>`);
  const more = cache.recomputed.length > MAX_ROWS ? `<p>${cache.recomputed.length - MAX_ROWS} more re-run tasks not listed.</p>` : '';
  return [
    '<h2>Result cache</h2>',
    `<p id="cache">${escapeHtml(`${cache.location}: ${formatCacheLine(cache)}`)}${cache.writeError ? ` <span class="failed">write failed: ${escapeHtml(cache.writeError)}</span>` : ''}</p>`,
    rows.length > 0 ? `<table><thead><tr><th>re-run task</th><th>why</th></tr></thead><tbody>${rows.join('')}</tbody></table>${more}` : '',
  ].join('\n');
}
