import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import type { MetadataAccess } from '../../../src/metadata/metadata-access.js';
import { parseSla } from '../../../src/metadata/sla.js';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { BUILTIN_PLANNERS } from '../../../src/plan/builtin-planners.js';
import { planToRun } from '../../../src/plan/plan-to-run.js';
import { restrictPlan } from '../../../src/plan/restrict-plan.js';
import type { PlanningAlgorithm, PlanningContext } from '../../../src/plan/planning-algorithm.js';
import { PlanLayout } from '../../../src/scheduler/planned-layout.js';
import { FLAT_METADATA, STAGED_DAG } from './plan-fixtures.js';

// s -> a, b -> j -> z; q -> z. A cached run whose hits are a, b and q re-runs j and z only (s is skipped).
const dag = STAGED_DAG;
const toRun = new Set(['j', 'z']);
const hits = new Set(['a', 'b', 'q']);

const flat = FLAT_METADATA;
const options = { metadata: flat, sla: parseSla('median'), tiers: [1024, 1769, 3008] };

/** A planner that records what it was asked to plan, then plans as `inner` does. */
function recording(inner: PlanningAlgorithm): { algorithm: PlanningAlgorithm; seen: { ids: string[]; done: string[]; execMs: Map<string, number> }[] } {
  const seen: { ids: string[]; done: string[]; execMs: Map<string, number> }[] = [];
  return {
    seen,
    algorithm: {
      name: inner.name,
      plan(given: Dag, metadata: MetadataAccess, sla, context: PlanningContext) {
        const ids = given.topologicalOrder();
        const execMs = new Map(ids.map((id) => [id, metadata.predictExecutionTime(id, undefined, [{ memoryMb: 1769, vcpu: 1 }], sla)[0]?.ms ?? -1]));
        seen.push({ ids: [...ids].sort(), done: [...(context.replanning?.done ?? [])].sort(), execMs });
        return inner.plan(given, metadata, sla, context);
      },
    },
  };
}

const annotation = (worker: number, extra: Partial<Plan['tasks'][string]> = {}) => ({ worker, preload: false, prewarm: [], dup: false, ...extra });

describe('planning only what a cached run must run', () => {
  for (const name of ['uniform', 'nonuniform', 'heft']) {
    it(`${name}: plans the tasks that miss, with the hits they read as stored sources, and the plan covers nothing else`, async () => {
      const { algorithm, seen } = recording(BUILTIN_PLANNERS[name]!);
      const plan = await planToRun(dag, toRun, algorithm, options);
      // The planner saw j, z and the hits they read (as finished sources, 0 ms), never s.
      expect(seen).toHaveLength(1);
      expect(seen[0]!.ids).toEqual(['a', 'b', 'j', 'q', 'z']);
      expect(seen[0]!.done).toEqual(['a', 'b', 'q']);
      expect(seen[0]!.execMs.get('a')).toBe(0);
      expect(seen[0]!.execMs.get('j')).toBe(10);
      // Its plan, as executors get it: j and z only, on workers that have a task.
      expect(Object.keys(plan.tasks).sort()).toEqual(['j', 'z']);
      const used = new Set(Object.values(plan.tasks).map((t) => String(t.worker)));
      expect(Object.keys(plan.workers).sort()).toEqual([...used].sort());
      expect(Object.keys(plan.schedule ?? {}).sort()).toEqual(['j', 'z']);
      // The forecast is of the sub-run: two 10 ms tasks in a row, not six.
      expect(plan.predicted?.makespanMs).toBeGreaterThanOrEqual(20);
      // It runs: the worker of j starts (j reads only hits), and no mark is expected from a hit.
      const layout = new PlanLayout(dag, dag.topologicalOrder(), plan, hits);
      expect(layout.startWorkers()).toEqual([plan.tasks['j']!.worker]);
      expect(layout.remoteParents('j')).toEqual([]);
      expect(layout.remoteParents('z')).toEqual(plan.tasks['z']!.worker === plan.tasks['j']!.worker ? [] : ['j']);
    });
  }

  it('a plan made for the whole DAG is cut to what runs: tasks, idle workers, their prewarms and the whole-DAG forecast go', () => {
    const whole: Plan = {
      algorithm: 'file',
      sla: 'median',
      tasks: { s: annotation(0, { prewarm: [1, 2] }), q: annotation(2), a: annotation(0), b: annotation(1), j: annotation(0, { prewarm: [1, 2] }), z: annotation(1) },
      workers: { '0': { memoryMb: 1769, vcpu: 1 }, '1': { memoryMb: 3008, vcpu: 2 }, '2': { memoryMb: 1024, vcpu: 1 } },
      predicted: { makespanMs: 60, costUsd: 1 },
      replanAfter: ['a', 'j'],
      schedule: { s: [0, 10], q: [0, 10], a: [10, 20], b: [10, 20], j: [20, 30], z: [30, 40] },
    };
    const cut = restrictPlan(whole, toRun);
    expect(cut).toEqual({
      algorithm: 'file',
      sla: 'median',
      tasks: { j: annotation(0, { prewarm: [1] }), z: annotation(1) },
      workers: { '0': { memoryMb: 1769, vcpu: 1 }, '1': { memoryMb: 3008, vcpu: 2 } },
      replanAfter: ['j'],
      schedule: { j: [20, 30], z: [30, 40] },
    });
    const layout = new PlanLayout(dag, dag.topologicalOrder(), cut, hits);
    expect(layout.startWorkers()).toEqual([0]);
    expect(layout.remoteParents('z')).toEqual(['j']);
    expect(layout.expected('z')).toBe(1);
    // Children are those the plan covers: a hit's other consumers are not waited on.
    expect(layout.graph.children('s')).toEqual([]);
    expect(layout.graph.children('a')).toEqual(['j']);
  });

  it('a layout refuses a planned task whose input is neither planned nor stored, and a plan missing a task when nothing is stored', () => {
    const cut = restrictPlan({ algorithm: 'file', sla: 'median', tasks: { j: annotation(0), z: annotation(0) }, workers: { '0': { memoryMb: 1769, vcpu: 1 } } }, toRun);
    expect(() => new PlanLayout(dag, dag.topologicalOrder(), cut, new Set(['a', 'q']))).toThrow('task j reads b, which is neither in the plan nor stored from the cache');
    expect(() => new PlanLayout(dag, dag.topologicalOrder(), cut)).toThrow('has no worker in the plan');
  });
});
