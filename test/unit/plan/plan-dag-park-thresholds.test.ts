import { describe, expect, it } from 'vitest';
import { AWS_PROFILE } from '../../../src/cost/profile.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_PARK_AFTER_MS } from '../../../src/model/run-spec.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { fromPlanOutput } from '../../../src/plan/compact-plan.js';
import { parkThresholds } from '../../../src/plan/park-threshold.js';
import { planDag } from '../../../src/plan/plan-dag.js';
import { estimatePlan } from '../../../src/plan/plan-estimate.js';
import type { PlanningAlgorithm, PlanOutput } from '../../../src/plan/planning-algorithm.js';
import { predictTaskCosts } from '../../../src/plan/task-costs.js';
import type { PlannedSimulationResult } from '../../../src/sim/planned-simulation.js';
import { simulate } from '../../../src/sim/simulator.js';
import { createDagTaskEstimator } from '../../../src/sim/task-estimates.js';
import { dagOf, hintsOnly, TIERS, work } from './plan-fixtures.js';

// a (worker 0, 2 s) and b (worker 1, short) feed c on worker 1: c waits some 2 s for a, past the
// run's default park threshold (500 ms).
const dag = dagOf([work('a', 2000), work('b', 10), work('c', 10, ['a', 'b'])]);
const platform = { profile: AWS_PROFILE, store: 'redis' as const };
const options = { metadata: hintsOnly(dag), sla: 'median' as const, tiers: TIERS, platform };
const TIER = { memoryMb: 1769, vcpu: 1 };

/** A planner that places a on worker 0, b and c on worker 1, and sets `parkAfterMs` on c if given. */
function fixedPlanner(parkAfterMs?: number): PlanningAlgorithm {
  return {
    name: 'fixed',
    plan(): PlanOutput {
      const task = (worker: number) => ({ worker, preload: false, prewarm: [], dup: false });
      return { tasks: { a: task(0), b: task(1), c: { ...task(1), ...(parkAfterMs === undefined ? {} : { parkAfterMs }) } }, workers: { 0: TIER, 1: TIER } };
    },
  };
}

describe('planDag: park thresholds for a plan that sets none', () => {
  it('gives each task with remote inputs the built-in threshold for its predicted wait, and forecasts with it', async () => {
    const { plan } = await planDag(dag, fixedPlanner(), options);
    const costs = predictTaskCosts(dag, options.metadata, 'median', TIERS, platform);
    const bare = fixedPlanner().plan(dag, options.metadata, 'median', { tiers: TIERS }) as PlanOutput;
    const atDefault = estimatePlan(costs, fromPlanOutput(costs, { ...bare, hedgeStarts: plan.hedgeStarts }));
    const expected = parkThresholds(costs, fromPlanOutput(costs, { ...bare, hedgeStarts: plan.hedgeStarts }), atDefault, DEFAULT_PARK_AFTER_MS);
    // Only c reads another worker's output; it waits out the predicted ~2 s instead of parking at 500 ms.
    expect(plan.tasks.c?.parkAfterMs).toBe(Math.round(expected[costs.graph.ids.indexOf('c')] as number));
    expect(plan.tasks.c?.parkAfterMs).toBeGreaterThan(1900);
    expect(plan.tasks.a?.parkAfterMs).toBeUndefined();
    expect(plan.tasks.b?.parkAfterMs).toBeUndefined();
    // At the run default, the forecast parks c and pays its re-invocation on the critical path.
    expect(plan.predicted?.makespanMs).toBeLessThan(atDefault.makespanMs - 10);
  });

  it('keeps the thresholds of a planner that sets any, and sets no other', async () => {
    const { plan } = await planDag(dag, fixedPlanner(300), options);
    expect(plan.tasks.c?.parkAfterMs).toBe(300);
    expect(plan.tasks.a?.parkAfterMs).toBeUndefined();
    expect(plan.tasks.b?.parkAfterMs).toBeUndefined();
  });
});

describe('a plan with the shared thresholds, simulated', () => {
  it('c waits for a (as predicted, cold starts and all) instead of parking and paying a re-invocation', async () => {
    const { plan } = await planDag(dag, fixedPlanner(), options);
    const withoutThresholds = { ...plan, tasks: Object.fromEntries(Object.entries(plan.tasks).map(([id, { parkAfterMs: _dropped, ...task }]) => [id, task])) };
    const run = runDagFromSpec(dag.spec);
    const simulated = (p: Plan, seed: number) =>
      simulate({ dag: run, profile: AWS_PROFILE, estimator: createDagTaskEstimator(run, AWS_PROFILE), wukong: DEFAULT_WUKONG_OPTIONS, seed, memoryMb: 1769, storeKind: 'redis', plan: p }) as PlannedSimulationResult;
    for (let seed = 1; seed <= 5; seed += 1) {
      const kept = simulated(plan, seed);
      const parked = simulated(withoutThresholds, seed);
      expect(kept.planned.parks).toBe(0);
      expect(parked.planned.parks).toBe(1);
      expect(kept.report.makespanMs).toBeLessThan(parked.report.makespanMs);
    }
  });
});
