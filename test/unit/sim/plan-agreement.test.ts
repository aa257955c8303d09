import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { PlannerOptionsSchema } from '../../../src/plan/planner-options.js';
import { median } from '../../../src/metadata/statistics.js';
import { DEFAULT_SIM_INVOKE_CONCURRENCY, simulate } from '../../../src/sim/simulator.js';
import { benchCases } from '../../../src/cli/bench-cases.js';
import { loadProfile } from '../../../src/cli/load-profile.js';
import { loadTaskCosts, simulatedPlatform } from '../../../src/cli/commands/simulate-task-costs.js';
import { planFor } from '../../../src/cli/planned-input.js';
import { generateValidDag } from '../../../workloads/replay-runner.js';

/**
 * Issue 15 item 7 (bench/plan-agreement.ts): a plan's forecast against the median of its
 * simulations on the platform it was planned for. GEMM at medium size moves a block per put and
 * get: the forecast holds only if it queues a worker's puts and gets on its one link, lets the
 * worker compute while its puts run, and fetches (not recomputes) a dup producer already stored,
 * as the simulated executors do (before: uniform 1.21x the forecast).
 */
describe('plans against their simulation (aws profile, medium GEMM)', () => {
  it.each(['uniform', 'heft'])('%s: the simulated median makespan is within 15 percent of the forecast', async (planner) => {
    // Prepare
    const [gemm] = benchCases(['gemm'], 'medium');
    if (!gemm) throw new Error('no gemm bench case');
    const spec = generateValidDag(gemm.workload, gemm.params);
    const model = Dag.fromSpec(spec);
    const dag = runDagFromSpec(spec);
    const costs = await loadTaskCosts(model, { metadata: false, profile: 'aws' }, loadProfile);
    const { plan } = await planFor(model, PlannerOptionsSchema.parse({ planner }), undefined, undefined, simulatedPlatform(costs, 'redis'));
    if (!plan?.predicted) throw new Error(`${planner} made no plan with a forecast`);
    // Act
    const makespans = Array.from({ length: 11 }, (_, i) => i + 1).map((seed) => {
      const result = simulate({ dag, wukong: DEFAULT_WUKONG_OPTIONS, profile: costs.profile, estimator: costs.estimator, seed, memoryMb: 3008, storeKind: 'redis', invokeConcurrency: DEFAULT_SIM_INVOKE_CONCURRENCY, plan });
      expect(result.report.ok).toBe(true);
      return result.report.makespanMs;
    });
    // Assess
    const ratio = median(makespans) / plan.predicted.makespanMs;
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });
});
