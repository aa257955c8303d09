import * as z from 'zod';

/** What the result cache did for one run (`--cache`): in the run report, summary and HTML page. */
export const CacheSummarySchema = z.object({
  /** The cache location (a Redis URL without its password). */
  location: z.string(),
  /** Tasks whose cached results the run used (requested outputs, inputs of tasks that ran). */
  hits: z.number(),
  /** Tasks that ran because they missed, each with why. */
  recomputed: z.array(z.object({ taskId: z.string(), reason: z.string() })),
  /** Tasks neither run nor read: everything the hits made unnecessary. */
  skipped: z.number(),
  /** Entries found truncated or altered: removed and recomputed. */
  corrupt: z.number(),
  /** Entries this run added (outputs it stored anyway). */
  written: z.number(),
  /** Planned mode: tasks the plan covered; hits are never planned, so at most the tasks that re-ran. */
  plannedTasks: z.number().optional(),
  /** A cache write that failed: the run's results stand; the next run recomputes what is missing. */
  writeError: z.string().optional(),
});

export type CacheSummary = z.infer<typeof CacheSummarySchema>;

/** `12 hits, 3 re-run (args changed: b_1; input changed: c_1, d_0)`: one line for the summary. */
export function formatCacheLine(cache: CacheSummary): string {
  const byReason = new Map<string, string[]>();
  for (const { taskId, reason } of cache.recomputed) byReason.set(reason, [...(byReason.get(reason) ?? []), taskId]);
  const reasons = [...byReason].map(([reason, ids]) => `${reason}: ${ids.slice(0, 4).join(', ')}${ids.length > 4 ? ` +${ids.length - 4}` : ''}`);
  const planned = cache.plannedTasks === undefined ? '' : `, ${cache.plannedTasks} planned`;
  return `${cache.hits} hits, ${cache.recomputed.length} re-run${planned}, ${cache.skipped} skipped, ${cache.written} written${cache.corrupt ? `, ${cache.corrupt} corrupt entries recomputed` : ''}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}
