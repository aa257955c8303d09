import { parseSla } from '../metadata/sla.js';
import { DEFAULT_PLAN_TIMEOUT_MS } from '../model/limits.js';
import { PlannerOptionsSchema, type PlannerOptions } from '../plan/planner-options.js';
import { DEFAULT_TIERS, parseTiers } from '../plan/tiers.js';
import { parseGroupOptions, type OptionGroup } from './option-group.js';
import { parseDuration, parseIntegerOption } from './parse-options.js';

/** The raw planner flags, as commander hands them over. */
export interface PlannerFlags {
  planner: string;
  sla?: string;
  tiers?: string;
  maxWorkers?: string;
  planTimeout?: string;
}

/**
 * The planner option group (`submit`, `replay`, `simulate`, `plan`): the flags of
 * plan/planner-options.ts's PlannerOptionsSchema. `wukong plan` words them for itself and plans
 * with `uniform` by default (FlagOverrides).
 */
export const PLANNER_OPTION_GROUP: OptionGroup<PlannerFlags, PlannerOptions> = {
  flags: [
    { flags: '--planner <name|path>', description: 'wukong (no plan: executors decide as WUKONG does), uniform, nonuniform, heft, random, or a planner module path (./my-planner.js)', defaultValue: 'wukong' },
    { flags: '--sla <sla>', description: 'planners: statistic of the predictions, avg, median or pNN', defaultValue: 'median' },
    { flags: '--tiers <list>', description: 'planners: memory tiers (MB) workers may get, comma separated', defaultValue: DEFAULT_TIERS.join(',') },
    { flags: '--max-workers <n>', description: 'planners: at most this many workers (heft: its worker count)' },
    { flags: '--plan-timeout <duration>', description: 'planners: fail (exit 2) when the planner takes longer (500ms, 90s, 10m)', defaultValue: `${DEFAULT_PLAN_TIMEOUT_MS / 1000}s` },
  ],
  fromFlags(flags) {
    return parseGroupOptions(PlannerOptionsSchema, {
      planner: flags.planner,
      ...(flags.sla === undefined ? {} : { sla: parseSla(flags.sla) }),
      ...(flags.tiers === undefined ? {} : { tiers: parseTiers(flags.tiers) }),
      ...(flags.maxWorkers === undefined ? {} : { maxWorkers: parseIntegerOption(flags.maxWorkers, '--max-workers', 1, 1) }),
      ...(flags.planTimeout === undefined ? {} : { timeoutMs: parseDuration(flags.planTimeout, '--plan-timeout') }),
    });
  },
};
