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

/** A medium bench workload planned for `profile` by `planner`: its forecast, and its simulation under a seed. */
async function planned(planner: string, profile: string, workload: 'gemm' | 'tr' = 'gemm') {
  const [bench] = benchCases([workload], 'medium');
  if (!bench) throw new Error(`no ${workload} bench case`);
  const spec = generateValidDag(bench.workload, bench.params);
  const model = Dag.fromSpec(spec);
  const dag = runDagFromSpec(spec);
  const costs = await loadTaskCosts(model, { metadata: false, profile }, loadProfile);
  const { plan } = await planFor(model, PlannerOptionsSchema.parse({ planner }), undefined, undefined, simulatedPlatform(costs, 'redis'));
  if (!plan?.predicted) throw new Error(`${planner} made no plan with a forecast`);
  const predicted = plan.predicted.makespanMs;
  const simulated = (seed: number) => {
    const result = simulate({ dag, wukong: DEFAULT_WUKONG_OPTIONS, profile: costs.profile, estimator: costs.estimator, seed, memoryMb: 3008, storeKind: 'redis', invokeConcurrency: DEFAULT_SIM_INVOKE_CONCURRENCY, plan });
    expect(result.report.ok).toBe(true);
    return result.report.makespanMs;
  };
  return { predicted, simulated };
}

/**
 * Issue 15 item 7 (bench/plan-agreement.ts): a plan's forecast against its simulation on the
 * platform it was planned for. GEMM at medium size moves a block per put and get: the forecast
 * holds only if it queues a worker's puts and gets on its one link (their request latencies
 * together), lets the worker compute while its puts run, and recomputes a dup producer whose mark
 * the worker has not seen, as the simulated executors do.
 * - With the deterministic profile (no latency spread) the forecast must match the simulation.
 * - With the aws profile these plans wait for the slowest of 16 to 32 cold starts (log-normal,
 *   p90 2.4x the median), and the forecast is of the median makespan. The median of 11 seeds
 *   wanders with the draws: for GEMM uniform, blocks of 11 seeds (1..11, 12..22, ..., 89..99) gave
 *   1.20, 0.99, 1.29, 0.85, 0.88, 1.02, 1.04, 1.05 and 1.17 times one unchanged forecast, all 99
 *   seeds 1.02. So the median is taken over 99 seeds, whose own sampling error is a few percent.
 */
describe('plans against their simulation (medium GEMM)', () => {
  it.each(['uniform', 'heft'])('%s, deterministic profile: the simulated makespan is within 3 percent of the forecast', async (planner) => {
    // Prepare
    const { predicted, simulated } = await planned(planner, 'deterministic');
    // Act
    const ratio = simulated(1) / predicted;
    // Assess
    expect(ratio).toBeGreaterThan(0.97);
    expect(ratio).toBeLessThan(1.03);
  });

  it.each(['uniform', 'heft'])('%s, aws profile: the median simulated makespan over 99 seeds is within 15 percent of the forecast', async (planner) => {
    // Prepare
    const { predicted, simulated } = await planned(planner, 'aws');
    // Act
    const ratio = median(Array.from({ length: 99 }, (_, i) => simulated(i + 1))) / predicted;
    // Assess
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });
});

/**
 * TR at medium size under heft: 1,000 workers, 500 of them awaited start workers (each next to one
 * that runs only a dup leaf its neighbour recomputes), hedged: the client calls the 500 over 8
 * rounds of its 64 concurrent calls, then their hedge copies over 8 more. Half of those workers run
 * one addition and end within a few ms of starting, so by the time the hedge copies are called
 * their environments are idle and the hedge copies start warm: the slowest start is bounded by the
 * last hedge call plus a warm start (~940 ms), not by the tail of 500 simultaneous hedged cold
 * starts on top of each worker's call (the forecast was 1,193 ms against a simulated median of
 * 964: 0.808).
 */
describe('plans against their simulation (medium TR, heft, hedged starts)', () => {
  it('aws profile: the median simulated makespan over 11 seeds is within 15 percent of the forecast', async () => {
    // Prepare
    const { predicted, simulated } = await planned('heft', 'aws', 'tr');
    // Act
    const ratio = median(Array.from({ length: 11 }, (_, i) => simulated(i + 1))) / predicted;
    // Assess
    expect(ratio).toBeGreaterThan(0.85);
    expect(ratio).toBeLessThan(1.15);
  });
});
