/** Tests draw random plans from the built-in `random` planner's generator (src/plan/random-plan.ts). */
export { randomPlan, randomTopologicalOrder, seededRandom, type RandomPlanOptions } from '../../src/plan/random-plan.js';
