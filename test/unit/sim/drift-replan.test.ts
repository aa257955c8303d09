import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { Dag } from '../../../src/dag/dag.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';
import type { PlannedSimulationResult } from '../../../src/sim/planned-simulation.js';
import type { SimReplanRequest } from '../../../src/sim/simulation-types.js';
import { DriftTrigger } from '../../../src/sim/drift-trigger.js';
import { createDagTaskEstimator } from '../../../src/sim/task-estimates.js';
import { estimatorMetadata, slowedEstimator } from '../../../src/sim/estimator-metadata.js';
import { driftFactor, replanRemaining } from '../../../src/plan/replan.js';
import { planDag } from '../../../src/plan/plan-dag.js';
import { uniformPlanner } from '../../../src/plan/algorithms/uniform.js';
import { DEFAULT_TIERS } from '../../../src/plan/tiers.js';
import { parseSla } from '../../../src/metadata/sla.js';
import { simulateDag, simulateSpec, work } from './sim-dags.js';

const TIER = { memoryMb: 1769, vcpu: 1 };
const observedOf = (entries: [string, number][]) => new Map(entries.map(([id, execMs]) => [id, { execMs, memoryMb: 1769 }]));

function plan(workerOf: Record<string, number>): Plan {
  const tasks: Plan['tasks'] = {};
  const workers: Plan['workers'] = {};
  for (const [id, worker] of Object.entries(workerOf)) {
    tasks[id] = { worker, preload: false, prewarm: [], dup: false };
    workers[String(worker)] = TIER;
  }
  return { algorithm: 'test', sla: 'median', tasks, workers };
}

/** A source s, four 100 ms tasks reading it, and a join: the first plan runs all on one worker. */
const fan: DagSpec = { name: 'fan', tasks: [work('s', 10, 8), ...[1, 2, 3, 4].map((i) => work(`t${i}`, 100, 8, ['s'])), work('j', 10, 8, ['t1', 't2', 't3', 't4'])] };
const slowed = (spec: DagSpec, factor: number): DagSpec => ({ ...spec, tasks: spec.tasks.map((t) => ({ ...t, args: { ...t.args, ms: Number(t.args?.ms) * factor } })) });

describe('DriftTrigger', () => {
  it('fires once, when enough tasks finished and observed / predicted drifted by the ratio either way', () => {
    // Prepare: the "prediction" is 10 ms a task; drift = observed mean / 10.
    const drift = (observed: SimReplanRequest['observed']) => [...observed.values()].reduce((sum, o) => sum + o.execMs, 0) / (10 * observed.size);
    const late = new DriftTrigger({ ratio: 1.5, minTasks: 2 }, drift);
    const early = new DriftTrigger({ ratio: 1.5, minTasks: 1 }, drift);
    // Act, Assess
    expect(late.check(observedOf([['a', 30]]), 5)).toBe(false); // one task: too few
    expect(late.check(observedOf([['a', 14], ['b', 14]]), 6)).toBe(false); // 1.4: within the ratio
    expect(late.check(observedOf([['a', 14], ['b', 16]]), 7)).toBe(true); // 1.5
    expect(late.firedAtMs).toBe(7);
    expect(late.firedFactor).toBeCloseTo(1.5, 9);
    expect(late.check(observedOf([['a', 40], ['b', 40]]), 8)).toBe(false); // once per run
    expect(early.check(observedOf([['a', 6]]), 1)).toBe(true); // 0.6 <= 1 / 1.5: faster than predicted also drifts
  });
});

describe('drift re-planning in the simulator', () => {
  it('re-plans the tasks not started when the first task drifts; the rest follows the new plan and every task runs once', () => {
    // Prepare: the first plan runs everything on worker 0; tasks run 3x as long as this plan's
    // estimator (the unslowed spec's times) says.
    const estimator = createDagTaskEstimator(runDagFromSpec(fan), AWS_PROFILE);
    const requests: SimReplanRequest[] = [];
    const spread = plan({ t1: 0, t2: 1, t3: 2, t4: 3, j: 0 });
    const drift = (observed: SimReplanRequest['observed']) => [...observed].reduce((sum, [, o]) => sum + o.execMs, 0) / [...observed.keys()].reduce((sum, id) => sum + estimator.execMs(id, 1769), 0);
    // Act
    const { report, planned } = simulateSpec(slowed(fan, 3), {
      plan: { ...plan({ s: 0, t1: 0, t2: 0, t3: 0, t4: 0, j: 0 }), replanOnDrift: { ratio: 2, minTasks: 1 } },
      replanner: (request) => {
        requests.push(request);
        return spread;
      },
      drift,
      validateEveryStep: true,
    }) as PlannedSimulationResult;
    // Assess: fired on s (30 ms observed against 10 predicted), before any t ran.
    expect(report.ok).toBe(true);
    expect(planned.replans).toBe(1);
    expect(planned.driftFactor).toBeCloseTo(3, 6);
    expect(requests).toHaveLength(1);
    expect([...(requests[0]?.observed.keys() ?? [])]).toEqual(['s']);
    expect(planned.driftReplanAtMs).toBe(report.tasks.find((t) => t.taskId === 's')?.endAt);
    const ran = report.tasks.filter((t) => !t.dup).map((t) => t.taskId).sort();
    expect(ran).toEqual(['j', 's', 't1', 't2', 't3', 't4']);
    // t1 had started on w-0 when the client heard of s (one round trip later): it finished there,
    // not re-planned; t2-t4 ran on three workers of the new plan (ids after the old plan's).
    expect([...(requests[0]?.running ?? [])]).toEqual(['t1']);
    const executorOf = new Map(report.tasks.map((t) => [t.taskId, t.executorId]));
    expect(executorOf.get('t1')).toBe('w-0');
    expect(new Set(['t1', 't2', 't3', 't4'].map((id) => executorOf.get(id))).size).toBe(4);
    const serial = simulateSpec(slowed(fan, 3), { plan: plan({ s: 0, t1: 0, t2: 0, t3: 0, t4: 0, j: 0 }) });
    expect(report.makespanMs).toBeLessThan(serial.report.makespanMs);
  });

  it('does not fire when tasks run as predicted: the run is the one without a trigger', () => {
    // Prepare
    const estimator = createDagTaskEstimator(runDagFromSpec(fan), AWS_PROFILE);
    const drift = (observed: SimReplanRequest['observed']) => [...observed].reduce((sum, [, o]) => sum + o.execMs, 0) / [...observed.keys()].reduce((sum, id) => sum + estimator.execMs(id, 1769), 0);
    const first = plan({ s: 0, t1: 0, t2: 1, t3: 0, t4: 1, j: 0 });
    // Act
    const watched = simulateSpec(fan, { plan: { ...first, replanOnDrift: { ratio: 1.5, minTasks: 1 } }, replanner: () => plan({ t1: 0, t2: 0, t3: 0, t4: 0, j: 0 }), drift }) as PlannedSimulationResult;
    const plain = simulateSpec(fan, { plan: first }) as PlannedSimulationResult;
    // Assess
    expect(watched.planned.replans).toBe(0);
    expect(watched.planned.driftReplanAtMs).toBeUndefined();
    expect(watched.report.makespanMs).toBe(plain.report.makespanMs);
  });

  it('a re-planner that keeps the plan (undefined) leaves the run exactly as it was without a trigger', () => {
    // Prepare
    const estimator = createDagTaskEstimator(runDagFromSpec(fan), AWS_PROFILE);
    const drift = (observed: SimReplanRequest['observed']) => [...observed].reduce((sum, [, o]) => sum + o.execMs, 0) / [...observed.keys()].reduce((sum, id) => sum + estimator.execMs(id, 1769), 0);
    const first = plan({ s: 0, t1: 0, t2: 1, t3: 0, t4: 1, j: 0 });
    const requests: SimReplanRequest[] = [];
    // Act
    const kept = simulateSpec(slowed(fan, 3), { plan: { ...first, replanOnDrift: { ratio: 1.5, minTasks: 1, minGain: 0.2 } }, replanner: (request) => (requests.push(request), undefined), drift }) as PlannedSimulationResult;
    const plain = simulateSpec(slowed(fan, 3), { plan: first }) as PlannedSimulationResult;
    // Assess: it fired, was told the plan it runs and its workers up, and nothing changed.
    expect(kept.planned.driftReplanAtMs).toBeDefined();
    expect(kept.planned.replans).toBe(0);
    expect(requests[0]?.current?.minGain).toBe(0.2);
    expect(requests[0]?.current?.plan.tasks).toEqual(first.tasks);
    expect([...(requests[0]?.current?.upWorkers ?? [])]).toEqual([[1769, 1]]);
    expect(kept.report.makespanMs).toBe(plain.report.makespanMs);
    expect(kept.report.executors.map((e) => e.executorId)).toEqual(plain.report.executors.map((e) => e.executorId));
  });

  it('refuses a plan with both re-planning points and a drift trigger', () => {
    expect(() => simulateSpec(fan, { plan: { ...plan({ s: 0, t1: 0, t2: 0, t3: 0, t4: 0, j: 0 }), replanAfter: ['s'], replanOnDrift: { ratio: 2, minTasks: 1 } } })).toThrow(/both re-planning points and a drift trigger/);
  });

  it('with the uniform planner on a stage DAG 3x slower than predicted, a drift re-plan recovers most of the loss', async () => {
    // Prepare: 32 tasks of 10 ms per stage, 4 stages; the plan made without the slowdown packs each stage on few workers.
    const tasks = [work('j0', 1, 8)];
    for (let stage = 1; stage <= 4; stage += 1) {
      const ids = Array.from({ length: 32 }, (_, i) => `t${stage}-${i}`);
      for (const id of ids) tasks.push(work(id, 10, 8, [`j${stage - 1}`]));
      tasks.push(work(`j${stage}`, 1, 8, ids));
    }
    const spec: DagSpec = { name: 'stages', tasks };
    const model = Dag.fromSpec(spec);
    const dag = runDagFromSpec(spec);
    const truth = createDagTaskEstimator(dag, AWS_PROFILE);
    const slow = slowedEstimator(truth, () => 3);
    const sla = parseSla('median');
    const platform = { profile: AWS_PROFILE, store: 'redis' as const };
    const context = { tiers: DEFAULT_TIERS, platform };
    const planOf = async (metadata: ReturnType<typeof estimatorMetadata>) => (await planDag(model, uniformPlanner, { metadata, sla, tiers: DEFAULT_TIERS, platform })).plan;
    const [right, wrong] = [await planOf(estimatorMetadata(slow)), await planOf(estimatorMetadata(truth))];
    const run = (p: Plan, replan: boolean) =>
      simulateDag(dag, slow, {
        profile: AWS_PROFILE,
        plan: p,
        ...(replan ? { replanner: (request: SimReplanRequest) => replanRemaining(uniformPlanner, model, request, { metadata: estimatorMetadata(truth), sla, context }), drift: (observed: SimReplanRequest['observed']) => driftFactor(model, observed, estimatorMetadata(truth), sla) } : {}),
      }) as PlannedSimulationResult;
    // Act
    const [r, s, d] = [run(right, false), run(wrong, false), run({ ...wrong, replanOnDrift: { ratio: 1.5, minTasks: 1 } }, true)];
    // Assess: something was lost, and the drift re-plan recovers at least half of it, with every task run once.
    expect(d.report.ok).toBe(true);
    expect(d.planned.replans).toBe(1);
    const lost = s.report.makespanMs - r.report.makespanMs;
    expect(lost).toBeGreaterThan(200);
    expect((s.report.makespanMs - d.report.makespanMs) / lost).toBeGreaterThanOrEqual(0.5);
    expect(d.report.tasks.filter((t) => !t.dup).map((t) => t.taskId).sort()).toEqual(spec.tasks.map((t) => t.id).sort());
    expect(d.outputsReadyAt.has('j4')).toBe(true);
  });
});
