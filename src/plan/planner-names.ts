/**
 * The names `--planner` takes without a path, apart from the algorithms themselves
 * (./builtin-planners.ts): a command that only checks or lists a name, or runs in WUKONG mode,
 * does not load every planner (issue 20: what `wukong submit` loads before a run).
 */

/** The planner that makes no plan: executors schedule themselves at run time (WUKONG mode). */
export const WUKONG_PLANNER_NAME = 'wukong';

/** The built-in planning algorithms' names; ./builtin-planners.ts maps each to its algorithm. */
export const BUILTIN_ALGORITHM_NAMES = Object.freeze(['uniform', 'nonuniform', 'heft', 'random'] as const);

/** Every name `--planner` accepts without a path. */
export const BUILTIN_PLANNER_NAMES: readonly string[] = Object.freeze([WUKONG_PLANNER_NAME, ...BUILTIN_ALGORITHM_NAMES]);

export function isBuiltinAlgorithmName(name: string): name is (typeof BUILTIN_ALGORITHM_NAMES)[number] {
  return (BUILTIN_ALGORITHM_NAMES as readonly string[]).includes(name);
}
