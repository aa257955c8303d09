import type { Plan } from '../../model/annotated-dag.js';
import { escapeHtml } from './escape-html.js';
import { formatCount } from './format-units.js';

/** Rows past this are left out (the page would grow by megabytes); the caption says how many. */
export const MAX_PLAN_ROWS = 2000;

/** The plan's annotations: its workers and tiers, then each task's worker, preload, prewarm, dup. */
export function renderPlanSection(plan: Plan): string {
  const workers = Object.entries(plan.workers)
    .sort((a, b) => Number(a[0]) - Number(b[0]))
    .map(([id, w]) => `<tr><td>${escapeHtml(id)}</td><td>${escapeHtml(w.memoryMb)} MB</td><td>${escapeHtml(w.vcpu)}</td></tr>`);
  const tasks = Object.entries(plan.tasks);
  const shown = tasks.slice(0, MAX_PLAN_ROWS).map(([taskId, a]) => {
    const tier = plan.workers[String(a.worker)];
    return `<tr data-task-id="${escapeHtml(taskId)}"><td>${escapeHtml(taskId)}</td><td>${escapeHtml(a.worker)}</td><td>${tier ? `${escapeHtml(tier.memoryMb)} MB` : '-'}</td><td>${a.preload ? 'yes' : ''}</td><td>${escapeHtml(a.prewarm.join(', '))}</td><td>${a.dup ? 'yes' : ''}</td></tr>`;
  });
  const more = tasks.length > MAX_PLAN_ROWS ? `; the first ${formatCount(MAX_PLAN_ROWS)} shown` : '';
  return [
    `<section id="plan"><h2>Plan: ${escapeHtml(plan.algorithm)} (SLA ${escapeHtml(plan.sla)})</h2>`,
    `<table class="plan-workers"><thead><tr><th>worker</th><th>tier</th><th>vCPU</th></tr></thead><tbody>${workers.join('')}</tbody></table>`,
    `<table class="plan-tasks"><caption>${formatCount(tasks.length)} annotated tasks${more}</caption><thead><tr><th>task</th><th>worker</th><th>tier</th><th>preload</th><th>prewarm</th><th>dup</th></tr></thead><tbody>${shown.join('')}</tbody></table>`,
    '</section>',
  ].join('');
}
