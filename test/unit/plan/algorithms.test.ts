import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Dag } from '../../../src/dag/dag.js';
import type { TaskSpec } from '../../../src/model/dag-schema.js';
import { heftCandidateCounts, heftPlanner, widestInnerLevel, widestLevel } from '../../../src/plan/algorithms/heft.js';
import { predictTaskCosts } from '../../../src/plan/task-costs.js';
import { nonuniformPlanner } from '../../../src/plan/algorithms/nonuniform.js';
import { uniformPlanner } from '../../../src/plan/algorithms/uniform.js';
import { BUILTIN_PLANNERS } from '../../../src/plan/builtin-planners.js';
import { planDag } from '../../../src/plan/plan-dag.js';
import type { PlanOutput } from '../../../src/plan/planning-algorithm.js';
import { findPlanProblems } from '../../../src/plan/validate-plan.js';
import { dagOf, hintsOnly, TIERS, work } from './plan-fixtures.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';

function planWith(planner: { plan: (...args: never[]) => unknown }, dag: Dag, maxWorkers?: number): PlanOutput {
  const plan = (planner.plan as (d: Dag, m: unknown, s: unknown, c: unknown) => PlanOutput)(dag, hintsOnly(dag), 'median', maxWorkers === undefined ? { tiers: TIERS } : { tiers: TIERS, maxWorkers });
  return plan;
}
const workersOf = (plan: PlanOutput) => new Set(Object.values(plan.tasks).map((task) => task.worker));

const chain = dagOf(Array.from({ length: 8 }, (_, i) => work(`c${i}`, 200, i === 0 ? [] : [`c${i - 1}`])));
// One source fanning out to 8 long tasks, gathered by one sink.
const wideFanOut = dagOf([work('root', 10), ...Array.from({ length: 8 }, (_, i) => work(`w${i}`, 5000, ['root'])), work('sink', 10, Array.from({ length: 8 }, (_, i) => `w${i}`))]);
// A fan-out of cheap tasks: not worth a cold start each.
const cheapFanOut = dagOf([work('root', 10), ...Array.from({ length: 8 }, (_, i) => work(`q${i}`, 1, ['root'])), work('sink', 10, Array.from({ length: 8 }, (_, i) => `q${i}`))]);

describe('uniform', () => {
  it('keeps a chain on one worker', () => {
    const plan = planWith(uniformPlanner, chain);
    expect(workersOf(plan).size).toBe(1);
    expect(Object.keys(plan.workers)).toHaveLength(1);
  });

  it('gives a wide fan-out of long tasks several workers, one tier for all', () => {
    const plan = planWith(uniformPlanner, wideFanOut);
    expect(workersOf(plan).size).toBeGreaterThanOrEqual(4);
    expect(new Set(Object.values(plan.workers).map((w) => w.memoryMb))).toEqual(new Set([1769]));
    // Parallel: far less than the 40 s the eight tasks take one after another.
    expect(plan.predicted?.makespanMs).toBeLessThan(20_000);
  });

  it('keeps a fan-out of cheap tasks on the parent worker (a cold start costs more than it gains)', () => {
    expect(workersOf(planWith(uniformPlanner, cheapFanOut)).size).toBe(1);
  });

  it('keeps a fan-in child with the parent whose output is largest when that beats a transfer', () => {
    // Two sources on their own workers (long enough to run in parallel, and `small`'s output cheap
    // to move back), a 200 MB output on `big`.
    const dag = dagOf([work('big', 3000, [], 200_000_000), work('small', 3000, [], 1000), work('join', 10, ['small', 'big'])]);
    const plan = planWith(uniformPlanner, dag);
    expect(plan.tasks.small?.worker).not.toBe(plan.tasks.big?.worker);
    expect(plan.tasks.join?.worker).toBe(plan.tasks.big?.worker);
  });

  it('pre-loads remote inputs on the critical path and pre-warms a worker whose first task waits for a cold start', () => {
    const plan = planWith(uniformPlanner, wideFanOut);
    const preloaded = Object.entries(plan.tasks).filter(([, task]) => task.preload).map(([id]) => id);
    expect(preloaded.length).toBeGreaterThan(0);
    // A 10 ms root cannot pre-warm its children's workers: a prewarm's environment is up only after
    // its own Invoke call and cold start, long after the root's output invokes them.
    expect(plan.tasks.root?.prewarm ?? []).toEqual([]);
    // A 2 s root can: the environments are warm by the time its output invokes the workers.
    const slowRoot = dagOf([work('root', 2000), ...Array.from({ length: 8 }, (_, i) => work(`w${i}`, 5000, ['root'])), work('sink', 10, Array.from({ length: 8 }, (_, i) => `w${i}`))]);
    expect(planWith(uniformPlanner, slowRoot).tasks.root?.prewarm?.length).toBeGreaterThan(0);
  });

  it('marks dup on a cheap source whose transfer costs more than recomputing it', () => {
    // Two long branches on separate workers both read one cheap, large source.
    const dag = dagOf([work('seed', 1, [], 50_000_000), work('x', 4000, ['seed']), work('y', 4000, ['seed']), work('z', 10, ['x', 'y'])]);
    const plan = planWith(uniformPlanner, dag);
    expect(plan.tasks.x?.worker).not.toBe(plan.tasks.y?.worker);
    expect(plan.tasks.seed?.dup).toBe(true);
  });
});

describe('nonuniform', () => {
  it('never predicts a longer makespan (beyond 0.01 %) or a higher cost than uniform, and reports the saving', () => {
    for (const dag of [chain, wideFanOut, cheapFanOut, unevenBranches()]) {
      const uniform = planWith(uniformPlanner, dag).predicted;
      const nonuniform = planWith(nonuniformPlanner, dag).predicted;
      expect(nonuniform?.makespanMs).toBeLessThanOrEqual((uniform?.makespanMs ?? 0) * (1 + 1e-4));
      expect(nonuniform?.costUsd).toBeLessThanOrEqual((uniform?.costUsd ?? 0) + 1e-12);
      expect(nonuniform?.savingUsd).toBeCloseTo((uniform?.costUsd ?? 0) - (nonuniform?.costUsd ?? 0), 12);
    }
  });

  it('on a platform, compares with uniform as planDag predicts it, and is never slower nor dearer by that forecast', async () => {
    // The uniform plan's park thresholds change its forecast; nonuniform once compared with the
    // forecast made before them and kept downgrades that made the plan slower.
    const platform = { profile: AWS_PROFILE, store: 'redis' as const };
    const bigOutputs = dagOf([work('root', 10, [], 50_000_000), ...Array.from({ length: 6 }, (_, i) => work(`m${i}`, 400 * (i + 1), ['root'], 20_000_000)), work('sink', 10, Array.from({ length: 6 }, (_, i) => `m${i}`))]);
    for (const dag of [wideFanOut, unevenBranches(), bigOutputs]) {
      const options = { metadata: hintsOnly(dag), sla: 'median' as const, tiers: TIERS, platform };
      const uniform = (await planDag(dag, uniformPlanner, options)).plan.predicted;
      const nonuniform = (await planDag(dag, nonuniformPlanner, options)).plan.predicted as Record<string, number>;
      expect(nonuniform.uniformMakespanMs).toBeCloseTo(uniform?.makespanMs ?? 0, 0);
      expect(nonuniform.makespanMs).toBeLessThanOrEqual((uniform?.makespanMs ?? 0) + 1);
      expect(nonuniform.costUsd).toBeLessThanOrEqual((uniform?.costUsd ?? 0) + 1e-9);
    }
  });

  it('moves a worker whose bill is its start-up to the cheaper tier when that costs microseconds of compute', async () => {
    // TR-like: one worker of tiny tasks, billed mostly for its cold start. 1,024 MB computes them
    // 1.73x slower, a few microseconds in all: the plan is as fast to 0.01 % and ~40 % cheaper.
    const tiny = dagOf(Array.from({ length: 64 }, (_, i) => work(`t${i}`, 0.0001, i === 0 ? [] : [`t${i - 1}`])));
    const options = { metadata: hintsOnly(tiny), sla: 'median' as const, tiers: TIERS, platform: { profile: AWS_PROFILE, store: 'redis' as const } };
    const uniform = (await planDag(tiny, uniformPlanner, options)).plan;
    const nonuniform = (await planDag(tiny, nonuniformPlanner, options)).plan;
    expect(Object.values(uniform.workers).map((w) => w.memoryMb)).toEqual([1769]);
    expect(Object.values(nonuniform.workers).map((w) => w.memoryMb)).toEqual([1024]);
    expect(nonuniform.predicted?.makespanMs).toBeGreaterThan(uniform.predicted?.makespanMs ?? Infinity);
    expect(nonuniform.predicted?.makespanMs).toBeLessThanOrEqual((uniform.predicted?.makespanMs ?? 0) * (1 + 1e-4));
    expect(nonuniform.predicted?.costUsd).toBeLessThan((uniform.predicted?.costUsd ?? 0) * 0.7);
  });

  it('downgrades a worker off the critical path when its slack allows', () => {
    const plan = planWith(nonuniformPlanner, unevenBranches());
    const tiers = Object.values(plan.workers).map((w) => w.memoryMb);
    expect(tiers).toContain(1024);
    expect(tiers).toContain(1769);
    expect(plan.predicted?.savingUsd).toBeGreaterThan(0);
    // The long branch (the critical path) keeps the fast tier.
    expect(plan.workers[String(plan.tasks.long?.worker)]?.memoryMb).toBe(1769);
  });
});

describe('heft', () => {
  it('respects --max-workers and sets an order that grows along every edge', () => {
    for (const maxWorkers of [1, 2, 3]) {
      const plan = planWith(heftPlanner, wideFanOut, maxWorkers);
      expect(workersOf(plan).size).toBeLessThanOrEqual(maxWorkers);
      expect(findPlanProblems(wideFanOut, plan, { tiers: TIERS })).toEqual([]);
    }
  });

  it('spreads long parallel tasks over the workers it has', () => {
    expect(workersOf(planWith(heftPlanner, wideFanOut, 8)).size).toBeGreaterThanOrEqual(4);
  });
});

/** A short branch (lots of slack) beside a long one (the critical path), both long enough for their own worker. */
function unevenBranches(): Dag {
  return dagOf([work('root', 10), work('long', 20_000, ['root']), work('short', 3000, ['root']), work('end', 10, ['long', 'short'])]);
}

/** Random DAGs: each task reads up to 3 earlier tasks; random durations and output sizes. */
const randomDag = fc
  .array(fc.record({ ms: fc.integer({ min: 0, max: 3000 }), bytes: fc.integer({ min: 0, max: 50_000_000 }), deps: fc.array(fc.nat(), { maxLength: 3 }) }), { minLength: 1, maxLength: 40 })
  .map((rows) => {
    const tasks: TaskSpec[] = rows.map((row, i) => work(`t${i}`, row.ms, i === 0 ? [] : [...new Set(row.deps.map((d) => `t${d % i}`))], row.bytes));
    return dagOf(tasks, 'random');
  });

describe('every built-in planner (property)', () => {
  it('plans random DAGs into plans that pass validatePlan, within --max-workers, with finite predictions', async () => {
    await fc.assert(
      fc.asyncProperty(randomDag, fc.constantFrom(...Object.keys(BUILTIN_PLANNERS)), fc.integer({ min: 1, max: 6 }), async (dag, name, maxWorkers) => {
        const algorithm = BUILTIN_PLANNERS[name];
        if (!algorithm) throw new Error(`no planner ${name}`);
        const annotated = await planDag(dag, algorithm, { metadata: hintsOnly(dag), sla: 'median', tiers: TIERS, maxWorkers });
        expect(findPlanProblems(dag, annotated.plan, { tiers: TIERS })).toEqual([]);
        expect(Number.isFinite(annotated.plan.predicted?.makespanMs)).toBe(true);
        expect(Object.keys(annotated.plan.workers).length).toBeLessThanOrEqual(maxWorkers);
        expect(annotated.plan.predicted?.costUsd).toBeGreaterThan(0);
      }),
      { numRuns: 150 },
    );
  });
});

describe('heft candidate worker counts', () => {
  it('include the width below the sources, where sources outnumber the widest later level', () => {
    // 6 sources, 3 tasks on the next level, one sink: a plan on 3 workers puts each source with its consumer.
    const sources = Array.from({ length: 6 }, (_, i) => work(`s${i}`, 10));
    const inner = Array.from({ length: 3 }, (_, i) => work(`m${i}`, 500, [`s${2 * i}`, `s${2 * i + 1}`]));
    const dag = dagOf([...sources, ...inner, work('sink', 10, inner.map((task) => task.id))]);
    const costs = predictTaskCosts(dag, hintsOnly(dag), 'median', TIERS);
    expect(widestLevel(costs)).toBe(6);
    expect(widestInnerLevel(costs)).toBe(3);
    expect(heftCandidateCounts(costs, undefined)).toContain(3);
    expect(heftCandidateCounts(costs, 2)).not.toContain(3);
  });
});
