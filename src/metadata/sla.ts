import * as z from 'zod';
import { BadInputError } from '../model/errors.js';

/**
 * A service-level choice of statistic (DESIGN.md §3): which point of a prediction's spread the
 * planner wants. `avg` is the mean, `median` the 50th percentile, `{ percentile: 90 }` the p90.
 */
export const SlaSchema = z.union([
  z.literal('avg'),
  z.literal('median'),
  z.object({ percentile: z.number().min(0).max(100) }).strict(),
]);
export type Sla = z.infer<typeof SlaSchema>;

/** What a prediction answers when the caller names no SLA. */
export const DEFAULT_SLA: Sla = 'median';

/**
 * Parses `avg` (or `mean`), `median`, or `pNN` with 0 <= NN <= 100 (decimals allowed: `p99.9`).
 * `p50` is the same as `median`.
 */
export function parseSla(text: string): Sla {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'avg' || trimmed === 'mean') return 'avg';
  if (trimmed === 'median') return 'median';
  const match = /^p(\d+(?:\.\d+)?)$/.exec(trimmed);
  if (match) {
    const percentile = Number(match[1]);
    if (percentile <= 100) return percentile === 50 ? 'median' : { percentile };
  }
  throw new BadInputError(`bad SLA "${text}": use avg, median, or pNN with NN from 0 to 100 (e.g. p90, p99.9)`);
}

/** The text form parseSla reads back: `avg`, `median`, `p90`. */
export function formatSla(sla: Sla): string {
  return typeof sla === 'string' ? sla : `p${sla.percentile}`;
}

/**
 * An SLA as a caller hands it over: a Sla, or its text form (`p90`), since planners are plug-in
 * JavaScript modules that the type checker never sees. Anything else is a BadInputError.
 */
export function resolveSla(sla: Sla | string): Sla {
  if (sla === 'avg' || sla === 'median') return sla;
  if (typeof sla === 'string') return parseSla(sla);
  // The planner's hot path: a well-formed object needs no schema run.
  if (typeof sla === 'object' && sla !== null && typeof sla.percentile === 'number' && sla.percentile >= 0 && sla.percentile <= 100) return sla;
  const parsed = SlaSchema.safeParse(sla);
  if (!parsed.success) throw new BadInputError(`bad SLA ${JSON.stringify(sla)}: use "avg", "median" or { percentile: 0..100 }`);
  return parsed.data;
}
