import { heftPlanner } from './algorithms/heft.js';
import { nonuniformPlanner } from './algorithms/nonuniform.js';
import { randomPlanner } from './algorithms/random.js';
import { uniformPlanner } from './algorithms/uniform.js';
import type { PlanningAlgorithm } from './planning-algorithm.js';

/** The planner that makes no plan: executors schedule themselves at run time (WUKONG mode). */
export const WUKONG_PLANNER_NAME = 'wukong';

/** Built-in planning algorithms by name (`wukong` is not among them: it plans nothing). */
export const BUILTIN_PLANNERS: Readonly<Record<string, PlanningAlgorithm>> = Object.freeze({
  uniform: uniformPlanner,
  nonuniform: nonuniformPlanner,
  heft: heftPlanner,
  random: randomPlanner,
});

/** Every name `--planner` accepts without a path. */
export const BUILTIN_PLANNER_NAMES: readonly string[] = Object.freeze([WUKONG_PLANNER_NAME, ...Object.keys(BUILTIN_PLANNERS)]);
