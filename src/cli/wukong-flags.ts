import type { Command } from 'commander';
import { BadInputError } from '../model/errors.js';
import { DEFAULT_INLINE_BUDGET_BYTES, DEFAULT_THRESHOLD_BYTES, parseWukongOptimizations, WukongOptionsSchema, type WukongOptions } from '../model/wukong-options.js';
import type { OptionGroup } from './option-group.js';
import { parseIntegerOption } from './parse-options.js';

export interface WukongFlags {
  wukongOpts: string;
  thresholdBytes?: string;
  inlineBudgetBytes?: string;
}

/**
 * The WUKONG option group (`submit`, `replay`, `simulate`): the flags of model/wukong-options.ts's
 * WukongOptionsSchema, which the run spec stores as is.
 */
export const WUKONG_OPTION_GROUP: OptionGroup<WukongFlags, WukongOptions> = {
  flags: [
    { flags: '--wukong-opts <list>', description: 'WUKONG optimizations: all, none, or a comma list of fanout-clustering, fanin-clustering, delayed-io', defaultValue: 'all' },
    { flags: '--threshold-bytes <n>', description: `an output of at least this many bytes is large (default ${DEFAULT_THRESHOLD_BYTES})` },
    { flags: '--inline-budget-bytes <n>', description: `outputs up to this size travel inline in invocations (default ${DEFAULT_INLINE_BUDGET_BYTES})` },
  ],
  fromFlags(flags) {
    let toggles: ReturnType<typeof parseWukongOptimizations>;
    try {
      toggles = parseWukongOptimizations(flags.wukongOpts);
    } catch (error) {
      throw new BadInputError(`--wukong-opts: ${(error as Error).message}`);
    }
    return WukongOptionsSchema.parse({
      ...toggles,
      thresholdBytes: parseIntegerOption(flags.thresholdBytes, '--threshold-bytes', DEFAULT_THRESHOLD_BYTES, 0),
      inlineBudgetBytes: parseIntegerOption(flags.inlineBudgetBytes, '--inline-budget-bytes', DEFAULT_INLINE_BUDGET_BYTES, 0),
    });
  },
};

/**
 * A planned run follows its plan; only WUKONG executors read these options. Given on the command
 * line for one, they would be dropped without a word, so they are refused (exit 2); `why` says
 * what makes the run planned (an annotated file, or --planner NAME).
 */
export function refuseWukongFlagsInPlannedMode(command: Command, why: string): void {
  const given = givenOnCommandLine(command, WUKONG_OPTION_GROUP.flags.map((flag) => flag.flags.split(' ')[0] as string));
  if (given.length > 0) throw new BadInputError(`${given.join(', ')}: WUKONG mode only; ${why}, which follows its plan`);
}

/** The long flags of `flags` the user typed (not defaults): commander's source of each is 'cli'. */
export function givenOnCommandLine(command: Command, flags: readonly string[]): string[] {
  return flags.filter((flag) => command.getOptionValueSource(flagAttribute(flag)) === 'cli');
}

/** commander's attribute name of a long flag: `--wukong-opts` -> `wukongOpts`. */
function flagAttribute(flag: string): string {
  return flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
