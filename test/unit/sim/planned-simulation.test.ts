import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { RunReportSchema } from '../../../src/report/run-report.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { AWS_PROFILE, type CostProfile } from '../../../src/cost/profile.js';
import type { PlannedSimulationResult } from '../../../src/sim/planned-simulation.js';
import type { SimulationInput } from '../../../src/sim/simulator.js';
import { arbitrarySyntheticDag } from '../../helpers/random-dags.js';
import { randomPlan } from '../../helpers/random-plan.js';
import { simulateSpec, work } from './sim-dags.js';

/*
 * Hand-computed makespans with the deterministic profile: Invoke call 20 ms, cold start 100 ms,
 * warm start 10 ms, Redis request and coordination round trip 1 ms, 100,000 bytes/ms per
 * function, workers at 1,769 MB (one full vCPU, so run times do not stretch).
 * A put or get of B bytes takes 1 + B / 100,000 ms.
 */
const transfer = (bytes: number) => 1 + bytes / 100_000;
const TIER = { memoryMb: 1769, vcpu: 1 };

type TaskPlan = Partial<Plan['tasks'][string]> & { worker: number };

function planOf(tasks: Record<string, TaskPlan>, algorithm = 'test'): Plan {
  const planTasks: Plan['tasks'] = {};
  const workers: Plan['workers'] = {};
  for (const [id, t] of Object.entries(tasks)) {
    planTasks[id] = { preload: false, prewarm: [], dup: false, ...t };
    workers[String(t.worker)] = TIER;
  }
  return { algorithm, sla: 'median', tasks: planTasks, workers };
}

function simulatePlanned(
  spec: DagSpec,
  plan: Pick<Plan, 'tasks' | 'workers'> & Partial<Plan>,
  overrides: Partial<Omit<SimulationInput, 'dag' | 'estimator' | 'plan'>> & { profile?: CostProfile } = {},
): PlannedSimulationResult {
  return simulateSpec(spec, { ...overrides, plan }) as PlannedSimulationResult;
}

describe('simulate with a plan (deterministic profile, hand-computed)', () => {
  it('a chain on one worker: one invocation, invoke + cold start + 3 runs + the output put', () => {
    // Prepare
    const spec = { name: 'chain', tasks: [work('a', 100, 8), work('b', 100, 8, ['a']), work('c', 100, 8, ['b'])] };
    // Act
    const { report, stats, planned } = simulatePlanned(spec, planOf({ a: { worker: 0 }, b: { worker: 0 }, c: { worker: 0 } }, 'uniform'));
    // Assess
    expect(report.ok).toBe(true);
    expect(report.planner).toBe('uniform');
    expect(report.makespanMs).toBeCloseTo(20 + 100 + 300 + transfer(8), 9);
    expect(report.executors).toHaveLength(1);
    expect(report.executors[0]).toMatchObject({ executorId: 'w-0', worker: 0, cold: true, memoryMb: 1769 });
    expect(report.summary.invocations).toBe(1);
    expect(report.tasks.map((t) => [t.taskId, t.startAt, t.endAt])).toEqual([
      ['a', 120, 220],
      ['b', 220, 320],
      ['c', 320, 420],
    ]);
    expect(stats.gets).toBe(0);
    expect(stats.puts).toBe(1); // only the output: nobody else needs a or b
    expect(planned.parks).toBe(0);
    expect(() => RunReportSchema.parse(report)).not.toThrow();
  });

  describe('a fan-in across two workers: c on worker 0 needs b of worker 1', () => {
    const spec = { tasks: [work('a', 100, 8), work('b', 200, 8), work('c', 100, 8, ['a', 'b'])] };
    const plan = planOf({ a: { worker: 0 }, b: { worker: 1 }, c: { worker: 0 } });

    it('worker 0 waits on its inbox and is woken by the notification after b is marked', () => {
      const { report, planned } = simulatePlanned(spec, plan);
      // w0: a 120-220, check c (1) 221: b missing, wait. w1: b 120-320, put 321.00008, mark 322.00008
      // (incomplete: c is not w0's first task, so @park is a member), notify lands 323.00008.
      // w0 woken, checks (1) 324.00008, gets b 325.00016, runs c to 425.00016, puts c.
      expect(report.makespanMs).toBeCloseTo(325 + 2 * 0.00008 + 100 + transfer(8), 9);
      expect(report.executors.map((e) => e.executorId).sort()).toEqual(['w-0', 'w-1']);
      expect(planned).toMatchObject({ parks: 0, resumes: 0, waits: 1, waitTimeouts: 0, notifications: 1 });
    });

    it('with parkAfterMs 50 worker 0 parks and worker 1 re-invokes it warm at c', () => {
      const { report, planned } = simulatePlanned(spec, plan, { parkAfterMs: 50 });
      // w0 waits 221-271 (timeout), checks 272: still missing, parks: puts a (273.00008), marks
      // @park (274.00008, incomplete), stops. w1's mark of b completes c (322.00008) and invokes
      // w0 at c: 342.00008 + warm 10 = 352.00008; gets a and b on one link (353.00024); c; put.
      expect(report.makespanMs).toBeCloseTo(353 + 3 * 0.00008 + 100 + transfer(8), 9);
      expect(report.executors.map((e) => e.executorId).sort()).toEqual(['w-0', 'w-0@c', 'w-1']);
      expect(report.executors.find((e) => e.executorId === 'w-0@c')?.cold).toBe(false);
      expect(report.executors.find((e) => e.executorId === 'w-1')?.invoked).toEqual(['w-0@c']);
      expect(planned).toMatchObject({ parks: 1, resumes: 1, waitTimeouts: 1 });
    });
  });

  it('prewarm: worker 1 starts warm, saving the cold start minus the warm start', () => {
    const spec = { tasks: [work('a', 100, 8), work('c', 100, 8, ['a'])] };
    const cold = simulatePlanned(spec, planOf({ a: { worker: 0 }, c: { worker: 1 } }));
    const warm = simulatePlanned(spec, planOf({ a: { worker: 0, prewarm: [1] }, c: { worker: 1 } }));
    // The prewarm (sent as a starts at 120) is warm and idle at 240; w1 is invoked at 242.
    expect(cold.report.makespanMs - warm.report.makespanMs).toBeCloseTo(100 - 10, 9);
    expect(warm.planned.prewarms).toBe(1);
    expect(warm.report.executors.find((e) => e.worker === 1)?.cold).toBe(false);
    // The prewarm invocation is priced (one more request and its billed time), not reported.
    expect(warm.report.executors).toHaveLength(2);
    expect(warm.report.summary.costFormula).toContain('3 requests');
    expect(warm.planned.unreportedInvocations).toBe(1);
  });

  it('prewarm at start: the client pre-warms worker 1 after its start call, so worker 1 starts warm', () => {
    const spec = { tasks: [work('a', 100, 8), work('c', 100, 8, ['a'])] };
    const plan = planOf({ a: { worker: 0 }, c: { worker: 1 } });
    const cold = simulatePlanned(spec, plan);
    // Listing start worker 0 too adds no call: it is invoked at once anyway.
    const warm = simulatePlanned(spec, { ...plan, prewarmAtStart: [0, 1] });
    // The prewarm call ends at 20 with the start call; its environment is idle at 120; w1 is invoked at 242.
    expect(cold.report.makespanMs - warm.report.makespanMs).toBeCloseTo(100 - 10, 9);
    expect(cold.report.executors.find((e) => e.worker === 1)?.cold).toBe(true);
    expect(warm.report.executors.find((e) => e.worker === 1)?.cold).toBe(false);
    // Priced (one more request and its billed start-up), not reported.
    expect(warm.report.executors).toHaveLength(2);
    expect(warm.report.summary.costFormula).toContain('3 requests');
  });

  it('hedged starts: each start worker is invoked twice, one copy runs it, the other stops billed and unreported', () => {
    const spec = { tasks: [work('a', 100, 8), work('b', 100, 8), work('c', 100, 8, ['a', 'b'])] };
    const tasks = { a: { worker: 0 }, b: { worker: 1 }, c: { worker: 0 } };
    const single = simulatePlanned(spec, planOf(tasks));
    const hedged = simulatePlanned(spec, { ...planOf(tasks), hedgeStarts: true });
    // Fixed latencies: both copies start together, so hedging costs only the claim's round trip (1 ms) and the bill.
    expect(hedged.report.makespanMs).toBeCloseTo(single.report.makespanMs + 1, 9);
    expect(hedged.report.executors.map((e) => e.executorId).sort()).toEqual(['w-0', 'w-1']);
    expect(hedged.planned.lostClaims).toBe(2);
    expect(hedged.stats.coldStarts).toBe(4);
    expect(hedged.report.summary.costFormula).toContain('4 requests');
    // The report's invocations and the unreported ones add up to the starts and the cost's requests.
    expect(hedged.planned.unreportedInvocations).toBe(2);
    expect(hedged.report.summary.invocations + hedged.planned.unreportedInvocations).toBe(4);
    expect(hedged.report.summary.costUsd).toBeGreaterThan(single.report.summary.costUsd);
    expect(hedged.report.tasks.filter((t) => !t.dup).map((t) => t.taskId).sort()).toEqual(['a', 'b', 'c']);
  });

  it('hedged starts with spread cold starts: the faster copy runs the worker, so the start-up wave ends sooner', () => {
    const spec = { tasks: [...Array.from({ length: 40 }, (_, i) => work(`s${i}`, 10, 8)), work('sink', 10, 8, Array.from({ length: 40 }, (_, i) => `s${i}`))] };
    const tasks: Record<string, TaskPlan> = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`s${i}`, { worker: i }]));
    tasks['sink'] = { worker: 0 };
    const makespans = (hedgeStarts: boolean) =>
      [1, 2, 3, 4, 5].map((seed) => simulatePlanned(spec, { ...planOf(tasks), hedgeStarts }, { profile: AWS_PROFILE, seed }).report.makespanMs).sort((x, y) => x - y)[2] as number;
    expect(makespans(true)).toBeLessThan(makespans(false) - 200);
  });

  it('a tier draws its start-ups from its own stream: another tier in the plan leaves them as they were', () => {
    // Two plans of one seed that differ only by a worker on another tier must time the shared
    // tier's workers alike, or comparing them measures the draw (nonuniform against uniform).
    const spec = { tasks: [work('a', 10, 8), work('b', 10, 8), work('c', 10, 8, ['a', 'b']), work('z', 10, 8)] };
    const base = planOf({ a: { worker: 0, order: 0 }, b: { worker: 1, order: 1 }, c: { worker: 0, order: 2 } });
    const withOther = planOf({ a: { worker: 0, order: 0 }, b: { worker: 1, order: 1 }, c: { worker: 0, order: 2 }, z: { worker: 2, order: 3 } });
    const alone = simulatePlanned({ tasks: spec.tasks.filter((t) => t.id !== 'z') }, base, { profile: AWS_PROFILE, seed: 5 });
    const mixed = simulatePlanned(spec, { ...withOther, workers: { ...withOther.workers, '2': { memoryMb: 1024, vcpu: 0.579 } } }, { profile: AWS_PROFILE, seed: 5 });
    const startOf = (result: PlannedSimulationResult, id: string) => result.report.tasks.find((t) => t.taskId === id)?.startAt;
    for (const id of ['a', 'b']) expect(startOf(mixed, id)).toBe(startOf(alone, id));
  });

  it('preload: worker 0 fetches x for c while it runs a, once x is marked; counted as a preloaded get', () => {
    // w0: s 120-320, a 320-420, c. w1: x 120-170, put and mark by 172.00008: marked before a starts.
    const spec = { tasks: [work('s', 200, 8), work('a', 100, 8, ['s']), work('x', 50, 800_000), work('c', 100, 8, ['a', 'x'])] };
    const tasks = { s: { worker: 0 }, a: { worker: 0 }, x: { worker: 1 } };
    const plain = simulatePlanned(spec, planOf({ ...tasks, c: { worker: 0 } }));
    const preloaded = simulatePlanned(spec, planOf({ ...tasks, c: { worker: 0, preload: true } }));
    expect(preloaded.planned.preloads).toBe(1);
    expect(plain.planned.preloads).toBe(0);
    // The 8 ms get of x overlaps a instead of following it (and c's own fan-in check goes too).
    expect(plain.report.makespanMs - preloaded.report.makespanMs).toBeGreaterThanOrEqual(transfer(800_000));
  });

  it('preload fetches each input as it is known marked: x ahead of c while y is still running', () => {
    // w0: s 120-320, a 320-420 (checks c at 320: x is marked, y is not), c. w1: x 120-170 (800 kB).
    // w2: y 120-820. Before, preload was all or nothing: x was fetched with y after the notification.
    const spec = { tasks: [work('s', 200, 8), work('a', 100, 8, ['s']), work('x', 50, 800_000), work('y', 700, 8), work('c', 100, 8, ['a', 'x', 'y'])] };
    const tasks = { s: { worker: 0 }, a: { worker: 0 }, x: { worker: 1 }, y: { worker: 2 } };
    const plain = simulatePlanned(spec, planOf({ ...tasks, c: { worker: 0 } }), { parkAfterMs: 10_000 });
    const preloaded = simulatePlanned(spec, planOf({ ...tasks, c: { worker: 0, preload: true } }), { parkAfterMs: 10_000 });
    expect(preloaded.planned.preloads).toBe(1);
    // x's 8 ms of bytes no longer follow y's mark.
    expect(plain.report.makespanMs - preloaded.report.makespanMs).toBeGreaterThanOrEqual(transfer(800_000) - 1 - 1e-9);
  });

  it('task-dup: worker 1 runs the slow source b itself; the copy is flagged and counts CPU', () => {
    const spec = { tasks: [work('a', 100, 8), work('b', 1000, 8), work('c', 100, 8, ['a', 'b'])] };
    const { report, planned } = simulatePlanned(spec, planOf({ a: { worker: 1 }, b: { worker: 0, dup: true }, c: { worker: 1 } }));
    const copies = report.tasks.filter((t) => t.taskId === 'b');
    expect(copies.map((t) => [t.executorId, t.dup === true]).sort()).toEqual([
      ['w-0', false],
      ['w-1', true],
    ]);
    expect(report.summary.tasks).toBe(3);
    expect(planned.dupRuns).toBe(1);
    // w1: a 120-220, b (dup) 220-1220, c 1220-1320, put.
    expect(report.makespanMs).toBeCloseTo(1320 + transfer(8), 9);
    expect(report.executors.find((e) => e.executorId === 'w-1')?.cpuMs).toBe(1200);
  });

  it('task-dup: a worker past its first task recomputes a dup source it has no mark of, even one long stored', () => {
    // b (10 ms) is stored by 131; worker 1 turns to c at 620, having read none of c's marks
    // (PlannedWorker.whileMissing runs a missing dup producer before it reads any): it runs b.
    // The estimator models the same (src/plan/plan-estimate.ts, markSeen).
    const spec = { tasks: [work('a', 500, 8), work('b', 10, 8), work('c', 100, 8, ['a', 'b'])] };
    const { report, planned } = simulatePlanned(spec, planOf({ a: { worker: 1 }, b: { worker: 0, dup: true }, c: { worker: 1 } }));
    expect(planned.dupRuns).toBe(1);
    // w1: a 120-620, b (dup) 620-630, c 630-730, put.
    expect(report.makespanMs).toBeCloseTo(730 + transfer(8), 9);
  });

  it('carries the plan tier: a 885 MB worker runs CPU-bound work at half speed', () => {
    const spec = { tasks: [work('a', 100, 8)] };
    const plan = { ...planOf({ a: { worker: 0 } }), workers: { '0': { memoryMb: 885, vcpu: 0.5 } } };
    const { report } = simulatePlanned(spec, plan);
    expect(report.tasks[0]?.execMs).toBeCloseTo(100 * (1769 / 885), 6);
    expect(report.executors[0]?.memoryMb).toBe(885);
  });

  it('refuses a plan whose order runs a task before its input', () => {
    const spec = { tasks: [work('a', 10, 8), work('b', 10, 8, ['a'])] };
    const plan = planOf({ a: { worker: 0, order: 2 }, b: { worker: 0, order: 1 } });
    expect(() => simulatePlanned(spec, plan)).toThrow(/plan cannot be simulated: plan order runs task b before its input a/);
  });
});

/** Random DAGs as in test/property/sim.property.test.ts, with outputs up to 2 MB. */
const arbitrarySpec = (maxTasks: number) => arbitrarySyntheticDag(maxTasks, [10, 5000, 2_000_000]);

describe('simulate with random plans (AWS profile, random latencies)', () => {
  it('every run completes: each task runs once on its worker after its inputs exist, every output is stored', () => {
    fc.assert(
      fc.property(
        arbitrarySpec(60),
        fc.integer({ min: 1, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(0, 5, 40, 500),
        fc.constantFrom<'redis' | 's3'>('redis', 's3'),
        fc.boolean(),
        (spec, seed, workers, parkAfterMs, storeKind, hedgeStarts) => {
          // Prepare
          const dag = runDagFromSpec(spec);
          const tasks = spec.tasks.map((t) => t.id);
          const plan = { ...randomPlan(dag, tasks, seed, { workers }), hedgeStarts };
          // Act
          const { report, outputsReadyAt } = simulatePlanned(spec, plan, { profile: AWS_PROFILE, seed, parkAfterMs, storeKind });
          // Assess
          expect(report.failure).toBeUndefined();
          expect(report.ok).toBe(true);
          const own = report.tasks.filter((t) => !t.dup);
          expect(own.map((t) => t.taskId).sort()).toEqual([...tasks].sort());
          for (const t of own) expect(report.executors.find((e) => e.executorId === t.executorId)?.worker).toBe(plan.tasks[t.taskId]?.worker);
          const firstEnd = new Map<string, number>();
          for (const t of report.tasks) firstEnd.set(t.taskId, Math.min(firstEnd.get(t.taskId) ?? Infinity, t.endAt));
          for (const t of report.tasks) for (const p of dag.parents(t.taskId)) expect(firstEnd.get(p) as number).toBeLessThanOrEqual(t.startAt);
          for (const id of dag.outputRefs()) expect(outputsReadyAt.has(id)).toBe(true);
          expect(report.makespanMs).toBeGreaterThan(0);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is deterministic per seed', () => {
    const spec: DagSpec = { tasks: Array.from({ length: 40 }, (_, i) => work(`t${i}`, 10 + (i % 7), 50_000, i === 0 ? [] : [`t${Math.floor(i / 2)}`, `t${i - 1}`])) };
    const dag = runDagFromSpec(spec);
    const plan = randomPlan(dag, spec.tasks.map((t) => t.id), 7, { workers: 4 });
    const run = (seed: number) => simulatePlanned(spec, plan, { profile: AWS_PROFILE, seed, parkAfterMs: 20 });
    const first = run(3);
    expect(run(3).report).toEqual(first.report);
    expect(run(4).report.makespanMs).not.toBe(first.report.makespanMs);
  });
});
