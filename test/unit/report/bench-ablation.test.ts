import { describe, expect, it } from 'vitest';
import { ablationGain, ablationNote, plannedCount, withoutAnnotation } from '../../../src/report/bench-ablation.js';
import type { Plan } from '../../../src/model/annotated-dag.js';

const plan: Pick<Plan, 'tasks'> = {
  tasks: {
    a: { worker: 0, preload: false, prewarm: [1, 2], dup: true },
    b: { worker: 1, preload: true, prewarm: [], dup: false, order: 3 },
    c: { worker: 2, preload: true, prewarm: [], dup: false },
  },
};

describe('plan annotation ablation', () => {
  it('counts what the plan annotates: prewarm by workers pre-warmed, dup and preload by tasks', () => {
    expect(plannedCount(plan, 'prewarm')).toBe(2);
    expect(plannedCount(plan, 'dup')).toBe(1);
    expect(plannedCount(plan, 'preload')).toBe(2);
  });

  it('switches one annotation off on every task and leaves the rest of the plan as it was', () => {
    const noPreload = withoutAnnotation(plan, 'preload');
    expect(plannedCount(noPreload, 'preload')).toBe(0);
    expect(noPreload.tasks.a).toEqual(plan.tasks.a);
    expect(noPreload.tasks.b).toEqual({ ...plan.tasks.b, preload: false });
    expect(plannedCount(withoutAnnotation(plan, 'prewarm'), 'prewarm')).toBe(0);
    expect(withoutAnnotation(plan, 'dup').tasks.a).toEqual({ ...plan.tasks.a, dup: false });
    // The input plan is untouched.
    expect(plannedCount(plan, 'preload')).toBe(2);
  });

  it('gain is the makespan saved over the makespan without; the note says when nothing could be measured', () => {
    const base = { workload: 'w', variant: 'uniform', annotation: 'dup' as const, makespanMs: 75, offMakespanMs: 100 };
    expect(ablationGain({ ...base, planned: 3, fired: 2 })).toBeCloseTo(0.25, 12);
    expect(ablationNote({ ...base, planned: 3, fired: 2 })).toBeUndefined();
    expect(ablationNote({ ...base, planned: 0, fired: 0 })).toBe('never planned');
    expect(ablationNote({ ...base, planned: 3, fired: 0 })).toBe('planned, never fired');
    expect(ablationGain({ ...base, planned: 1, fired: 1, makespanMs: 110 })).toBeCloseTo(-0.1, 12);
  });
});
