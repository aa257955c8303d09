import * as z from 'zod';
import { DEFAULT_PLAN_TIMEOUT_MS } from '../model/limits.js';
import { DEFAULT_SLA, SlaSchema } from '../metadata/sla.js';
import { MAX_TIER_MB, MIN_TIER_MB, DEFAULT_TIERS } from './tiers.js';
import { WUKONG_PLANNER_NAME } from './planner-names.js';

/**
 * The planner option group (`submit`, `replay`, `simulate`, `plan`; CLI flags in
 * src/cli/planner-flags.ts): which planner, for which SLA, on which memory tiers. The one
 * definition; defaults are filled here, so `PlannerOptionsSchema.parse({ planner: 'heft' })` is a
 * complete set of options.
 */
export const PlannerOptionsSchema = z
  .object({
    /** `wukong` (no plan: executors decide at run time), a built-in planner's name, or a module path. */
    planner: z.string().trim().min(1).default(WUKONG_PLANNER_NAME),
    /** The statistic of the predictions the plan is made for. */
    sla: SlaSchema.default(DEFAULT_SLA),
    /** Memory tiers (MB) workers may get, ascending, no repeats. */
    tiers: z
      .array(z.number().int().min(MIN_TIER_MB).max(MAX_TIER_MB))
      .min(1)
      .refine((tiers) => tiers.every((tier, i) => i === 0 || tier > (tiers[i - 1] as number)), 'tiers ascend without repeats')
      .default([...DEFAULT_TIERS]),
    /** At most this many workers (heft: its worker count). */
    maxWorkers: z.number().int().positive().optional(),
    /** How long the planner may take (ms); past it, planning fails with exit 2 (a planner that never settles). */
    timeoutMs: z.number().int().positive().default(DEFAULT_PLAN_TIMEOUT_MS),
  })
  .strict();

export type PlannerOptions = z.infer<typeof PlannerOptionsSchema>;
