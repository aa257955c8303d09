import { heftPlanner } from './algorithms/heft.js';
import { nonuniformPlanner } from './algorithms/nonuniform.js';
import { randomPlanner } from './algorithms/random.js';
import { uniformPlanner } from './algorithms/uniform.js';
import type { PlanningAlgorithm } from './planning-algorithm.js';

export { BUILTIN_PLANNER_NAMES, WUKONG_PLANNER_NAME } from './planner-names.js';

/** Built-in planning algorithms by name (`wukong` is not among them: it plans nothing); the names are ./planner-names.ts's. */
export const BUILTIN_PLANNERS: Readonly<Record<string, PlanningAlgorithm>> = Object.freeze({
  uniform: uniformPlanner,
  nonuniform: nonuniformPlanner,
  heft: heftPlanner,
  random: randomPlanner,
});
