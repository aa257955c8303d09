import * as z from 'zod';
import { RunReportSchema } from '../src/report/run-report.js';

export const WorkloadCheckSchema = z.object({
  name: z.string(),
  value: z.number(),
  threshold: z.number(),
  bound: z.enum(['max', 'min']),
  ok: z.boolean(),
  detail: z.string().optional(),
});

/**
 * What `wukong replay --report FILE` writes: the workload and its parameters, the makespan of
 * every repeat and their median, the verifier's checks, and each repeat's full run report.
 */
export const ReplayReportSchema = z.object({
  version: z.literal(1),
  workload: z.string(),
  params: z.record(z.string(), z.number()),
  dagName: z.string(),
  tasks: z.number().int(),
  makespansMs: z.array(z.number()),
  medianMakespanMs: z.number(),
  verification: z.object({ ok: z.boolean(), verifyMs: z.number(), checks: z.array(WorkloadCheckSchema) }),
  ok: z.boolean(),
  runs: z.array(RunReportSchema),
});
export type ReplayReport = z.infer<typeof ReplayReportSchema>;

/**
 * The verification, where one was made: a replay stops at a failed run and verifies nothing, and
 * its report then holds `{ ok: false, checks: [] }`, which must not read as a failed verification.
 */
export function verificationMade(report: ReplayReport): ReplayReport['verification'] | undefined {
  return report.runs.length > 0 && report.runs.every((run) => run.ok) ? report.verification : undefined;
}

/** The median of a non-empty list (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
