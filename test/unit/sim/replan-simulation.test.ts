import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { Dag } from '../../../src/dag/dag.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';
import type { PlannedSimulationResult } from '../../../src/sim/planned-simulation.js';
import type { SimReplanner, SimReplanRequest } from '../../../src/sim/simulation-types.js';
import { createDagTaskEstimator } from '../../../src/sim/task-estimates.js';
import { estimatorMetadata, slowedEstimator } from '../../../src/sim/estimator-metadata.js';
import { replanRemaining } from '../../../src/plan/replan.js';
import { planDag } from '../../../src/plan/plan-dag.js';
import { uniformPlanner } from '../../../src/plan/algorithms/uniform.js';
import { DEFAULT_TIERS } from '../../../src/plan/tiers.js';
import { parseSla } from '../../../src/metadata/sla.js';
import { simulateDag, simulateSpec, work } from './sim-dags.js';

const TIER = { memoryMb: 1769, vcpu: 1 };
const transfer = (bytes: number) => 1 + bytes / 100_000;

function plan(workerOf: Record<string, number>, replanAfter?: string[]): Plan {
  const tasks: Plan['tasks'] = {};
  const workers: Plan['workers'] = {};
  for (const [id, worker] of Object.entries(workerOf)) {
    tasks[id] = { worker, preload: false, prewarm: [], dup: false };
    workers[String(worker)] = TIER;
  }
  return { algorithm: 'test', sla: 'median', tasks, workers, ...(replanAfter ? { replanAfter } : {}) };
}

/** `slowdown` stretches every synthetic.work task of `spec`: what the plan did not expect. */
function run(spec: DagSpec, p: Plan, replanner?: SimReplanner, slowdown = 1): PlannedSimulationResult {
  const slowed = { ...spec, tasks: spec.tasks.map((t) => ({ ...t, args: { ...t.args, ms: Number(t.args?.ms) * slowdown } })) };
  return simulateSpec(slowed, { plan: p, ...(replanner ? { replanner } : {}) }) as PlannedSimulationResult;
}

const chain: DagSpec = { name: 'chain', tasks: [work('a', 100, 8), work('b', 100, 8, ['a']), work('c', 100, 8, ['b'])] };

describe('re-planning points in the simulator (deterministic profile)', () => {
  it('a point is a barrier: the phase stores what the next reads, its held worker is handed the next phase', () => {
    // Act
    const { report, planned } = run(chain, plan({ a: 0, b: 0, c: 0 }, ['a']));
    // Assess
    expect(report.ok).toBe(true);
    // Phase 1: invoke 20 + cold 100 + a 100, then a's put; w-0 stops and waits for the next phase.
    // The client hears of it one round trip (1 ms) later and hands the worker of b to w-0 (one
    // more round trip, no Invoke call, no start-up), which fetches a, runs b, c and puts c.
    const phase1 = 20 + 100 + 100 + transfer(8);
    expect(report.makespanMs).toBeCloseTo(phase1 + 1 + 1 + transfer(8) + 200 + transfer(8), 6);
    expect(report.executors.map((e) => [e.executorId, e.cold, e.startedAt, e.endedAt])).toEqual([
      // Billed from its handler's start (this profile bills no INIT) while it waited for the
      // hand-over too: the same invocation goes on as w-2.
      ['w-0', true, 20 + 100, phase1 + 2],
      ['w-2', false, phase1 + 2, report.makespanMs], // ids after the first plan's (0) and the finished tasks' pseudo worker (1)
    ]);
    expect(report.tasks.map((t) => t.taskId).sort()).toEqual(['a', 'b', 'c']);
    expect(planned.replans).toBe(0);
    expect(planned.handOvers).toBe(1);
    expect(planned.workers).toBe(2);
  });

  it('a held worker that waits longer than the park threshold stops, billed for its wait', () => {
    // Prepare: b and c on two workers; c's worker ends at once and waits longer than 50 ms for the phase to end.
    const fork: DagSpec = { name: 'fork', tasks: [work('a', 10, 8), work('b', 300, 8, ['a']), work('c', 10, 8, ['a']), work('d', 10, 8, ['b', 'c'])] };
    const slowSide = simulateSpec(fork, { plan: plan({ a: 0, b: 0, c: 1, d: 2 }, ['b']), parkAfterMs: 50 }) as PlannedSimulationResult;
    // Assess
    expect(slowSide.report.ok).toBe(true);
    // w-0 (a, b) is held and handed d; w-1 (c: stored for the next phase, no mark) gave up after
    // 50 ms of waiting, billed for them.
    expect(slowSide.planned.handOvers).toBe(1);
    const c = slowSide.report.executors.find((e) => e.executorId === 'w-1');
    const cRan = slowSide.report.tasks.find((t) => t.taskId === 'c');
    expect(c?.endedAt).toBeCloseTo((cRan?.endAt ?? 0) + transfer(8) + 50, 6);
  });

  it('the re-planner gets the observed compute times, and the rest follows its plan', () => {
    // Prepare
    const requests: SimReplanRequest[] = [];
    const diamond: DagSpec = { name: 'diamond', tasks: [work('s', 50, 8), work('l', 100, 8, ['s']), work('r', 100, 8, ['s']), work('j', 10, 8, ['l', 'r'])] };
    const replanner: SimReplanner = (request) => {
      requests.push(request);
      // l and r in parallel on two workers, j with l.
      return { algorithm: 'test', tasks: plan({ l: 0, r: 1, j: 0 }).tasks, workers: { '0': TIER, '1': TIER } };
    };
    // Act
    const withReplan = run(diamond, plan({ s: 0, l: 0, r: 0, j: 0 }, ['s']), replanner, 3);
    const barrierOnly = run(diamond, plan({ s: 0, l: 0, r: 0, j: 0 }, ['s']), undefined, 3);
    // Assess
    expect(requests).toHaveLength(1);
    expect([...(requests[0]?.observed.entries() ?? [])]).toEqual([['s', { execMs: 150, memoryMb: 1769 }]]);
    expect(withReplan.planned.replans).toBe(1);
    expect(withReplan.report.ok).toBe(true);
    // Worker ids of the new plan come after the first plan's (0) and its finished tasks' (1).
    const ranOn = Object.fromEntries(withReplan.report.executors.flatMap((e) => e.tasks.map((t) => [t.taskId, e.executorId])));
    expect(ranOn).toEqual({ s: 'w-0', l: 'w-2', r: 'w-3', j: 'w-2' });
    // The barrier alone: w-0 is handed the rest (2 round trips after s's put), fetches s and runs l, r, j in series.
    const phase1 = 20 + 100 + 150 + transfer(8);
    expect(barrierOnly.report.makespanMs).toBeCloseTo(phase1 + 2 + transfer(8) + 300 + 300 + 30 + transfer(8), 6);
    // Re-planned, l and r (300 ms each after the slowdown) run side by side: one worker was held
    // for the hand-over (the re-planner is told), the other is invoked and starts cold (100 ms).
    expect(requests[0]?.heldWorkers).toEqual(new Map([[1769, 1]]));
    expect(withReplan.planned.handOvers).toBe(1);
    expect(withReplan.report.makespanMs).toBeLessThan(barrierOnly.report.makespanMs - (300 - 20 - 100 - 10));
  });

  it('refuses a point that leaves nothing to re-plan', () => {
    expect(() => run(chain, plan({ a: 0, b: 0, c: 0 }, ['c']))).toThrow(/closes the last stage/);
  });

  it('re-plans a TSQR with the uniform planner: every task runs once, outputs ready', async () => {
    // Prepare
    const { generateValidDag } = await import('../../../workloads/replay-runner.js');
    const { benchCases } = await import('../../../src/cli/bench-cases.js');
    const [tsqr] = benchCases(['tsqr'], 'small');
    if (!tsqr) throw new Error('no tsqr case');
    const spec = generateValidDag(tsqr.workload, tsqr.params);
    const model = Dag.fromSpec(spec);
    const dag = runDagFromSpec(spec);
    const truth = createDagTaskEstimator(dag, AWS_PROFILE);
    const sla = parseSla('median');
    const platform = { profile: AWS_PROFILE, store: 'redis' as const };
    const point = model.topologicalOrder().find((id) => model.task(id).op === 'matrix.vstack') as string;
    const first = (await planDag(model, uniformPlanner, { metadata: estimatorMetadata(truth), sla, tiers: DEFAULT_TIERS, platform, replanAfter: [point] })).plan;
    // Act
    const result = simulateDag(dag, slowedEstimator(truth, () => 3), {
      profile: AWS_PROFILE,
      plan: first,
      replanner: (request) => replanRemaining(uniformPlanner, model, request, { metadata: estimatorMetadata(truth), sla, context: { tiers: DEFAULT_TIERS, platform } }),
    }) as PlannedSimulationResult;
    // Assess
    expect(result.report.ok).toBe(true);
    expect(result.planned.replans).toBe(1);
    const ran = result.report.tasks.filter((t) => !t.dup).map((t) => t.taskId);
    expect(ran.sort()).toEqual(spec.tasks.map((t) => t.id).sort());
  });
});
