import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { PARK_MEMBER, PlanLayout } from '../../../src/scheduler/planned-layout.js';
import { PlannedWorker } from '../../../src/scheduler/planned-worker.js';
import { graphOf } from '../../helpers/interleaved-run.js';

/** a (worker 0) -> b (worker 1) -> c (worker 0), and a -> c. */
const graph = graphOf({ a: [], b: ['a'], c: ['a', 'b'] });
const annotation = (worker: number, extra: Partial<Plan['tasks'][string]> = {}) => ({ worker, preload: false, prewarm: [], dup: false, ...extra });
const workers = { '0': { memoryMb: 1769, vcpu: 1 }, '1': { memoryMb: 3008, vcpu: 1 } };
const layoutOf = (tasks: Plan['tasks']) => new PlanLayout(graph, ['a', 'b', 'c'], { tasks, workers });

describe('PlannedWorker (pure)', () => {
  it('derives fan-in arithmetic: first tasks complete at |R(c)|, later ones need the park member too', () => {
    const layout = layoutOf({ a: annotation(0), b: annotation(1), c: annotation(0) });
    expect(layout.remoteParents('c')).toEqual(['b']);
    expect(layout.expected('b')).toBe(1);
    expect(layout.expected('c')).toBe(2);
    expect(layout.startWorkers()).toEqual([0]);
  });

  it('stores an output another worker needs, marks its fan-in, and invokes that worker on completion', () => {
    // Prepare
    const worker = new PlannedWorker(layoutOf({ a: annotation(0, { prewarm: [1] }), b: annotation(1), c: annotation(0) }), 0, { parkAfterMs: 500 });
    // Act + Assess
    expect(worker.handle({ type: 'start' })).toEqual([{ type: 'run', taskId: 'a', dup: false }, { type: 'prewarm', worker: 1 }]);
    expect(worker.handle({ type: 'ran', taskId: 'a', dup: false })).toEqual([{ type: 'put', taskId: 'a' }, { type: 'check-fan-in', childId: 'c', parentId: '' }]);
    expect(worker.handle({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'mark-fan-in', childId: 'b', parentId: 'a', expected: 1 }]);
    expect(worker.handle({ type: 'fan-in-checked', childId: 'c', parentId: '', markedParents: [] })).toEqual([{ type: 'wait', taskId: 'c', timeoutMs: 500 }]);
    expect(worker.handle({ type: 'fan-in-marked', childId: 'b', parentId: 'a', complete: true })).toEqual([{ type: 'invoke-worker', worker: 1 }]);
    worker.validateState();
  });

  it('parks after waiting parkAfterMs; an incomplete park mark stops the worker', () => {
    const worker = new PlannedWorker(layoutOf({ a: annotation(0), b: annotation(1), c: annotation(0) }), 0, { parkAfterMs: 100 });
    worker.handle({ type: 'start' });
    worker.handle({ type: 'ran', taskId: 'a', dup: false });
    worker.handle({ type: 'put-done', taskId: 'a' });
    worker.handle({ type: 'fan-in-marked', childId: 'b', parentId: 'a', complete: true });
    worker.handle({ type: 'worker-invoked', worker: 1 });
    expect(worker.handle({ type: 'fan-in-checked', childId: 'c', parentId: '', markedParents: [] })).toEqual([{ type: 'wait', taskId: 'c', timeoutMs: 100 }]);
    expect(worker.handle({ type: 'woken', taskId: 'c', waitedMs: 100 })).toEqual([{ type: 'check-fan-in', childId: 'c', parentId: '' }]);
    // `a` is needed by c and already stored: nothing to put before the park mark.
    expect(worker.handle({ type: 'fan-in-checked', childId: 'c', parentId: '', markedParents: [] })).toEqual([
      { type: 'mark-fan-in', childId: 'c', parentId: PARK_MEMBER, expected: 2 },
    ]);
    expect(worker.handle({ type: 'fan-in-marked', childId: 'c', parentId: PARK_MEMBER, complete: false })).toEqual([{ type: 'stop' }]);
    expect(worker.isParked).toBe(true);
    worker.validateState();
  });

  it("the plan's parkAfterMs for a task wins over the run's: a long predicted wait waits longer, 0 parks at once", () => {
    const patient = new PlannedWorker(layoutOf({ a: annotation(0), b: annotation(1), c: annotation(0, { parkAfterMs: 9000 }) }), 0, { parkAfterMs: 500 });
    patient.handle({ type: 'start' });
    patient.handle({ type: 'ran', taskId: 'a', dup: false });
    patient.handle({ type: 'put-done', taskId: 'a' });
    expect(patient.handle({ type: 'fan-in-checked', childId: 'c', parentId: '', markedParents: [] })).toEqual([{ type: 'wait', taskId: 'c', timeoutMs: 9000 }]);
    patient.validateState();

    const prompt = new PlannedWorker(layoutOf({ a: annotation(0), b: annotation(1), c: annotation(0, { parkAfterMs: 0 }) }), 0, { parkAfterMs: 500 });
    prompt.handle({ type: 'start' });
    prompt.handle({ type: 'ran', taskId: 'a', dup: false });
    prompt.handle({ type: 'put-done', taskId: 'a' });
    expect(prompt.handle({ type: 'fan-in-checked', childId: 'c', parentId: '', markedParents: [] })).toEqual([
      { type: 'mark-fan-in', childId: 'c', parentId: PARK_MEMBER, expected: 2 },
    ]);
    prompt.validateState();
  });

  it('a resumed worker fetches its own earlier outputs and the remote ones, then runs', () => {
    const worker = new PlannedWorker(layoutOf({ a: annotation(0), b: annotation(1), c: annotation(0) }), 0, { parkAfterMs: 100, resumeAt: 'c' });
    expect(worker.handle({ type: 'start' })).toEqual([
      { type: 'get', taskId: 'a' },
      { type: 'get', taskId: 'b' },
    ]);
    expect(worker.handle({ type: 'got', taskId: 'b' })).toEqual([]);
    expect(worker.handle({ type: 'got', taskId: 'a' })).toEqual([{ type: 'run', taskId: 'c', dup: false }]);
    expect(worker.handle({ type: 'ran', taskId: 'c', dup: false })).toEqual([{ type: 'put', taskId: 'c' }]);
    expect(worker.handle({ type: 'put-done', taskId: 'c' })).toEqual([{ type: 'output-ready', taskId: 'c' }, { type: 'stop' }]);
  });

  it('runs a missing dup parent itself when that parent’s inputs are in memory', () => {
    const worker = new PlannedWorker(layoutOf({ a: annotation(0), b: annotation(1, { dup: true }), c: annotation(0) }), 0, { parkAfterMs: 100 });
    worker.handle({ type: 'start' });
    const afterA = worker.handle({ type: 'ran', taskId: 'a', dup: false });
    expect(afterA).toContainEqual({ type: 'run', taskId: 'b', dup: true });
    expect(worker.handle({ type: 'ran', taskId: 'b', dup: true })).toEqual([{ type: 'run', taskId: 'c', dup: false }]);
    expect(worker.dupsHere).toEqual(['b']);
    worker.validateState();
  });

  it('refuses a plan whose order runs a task before its input (workers could wait on each other)', () => {
    expect(() => layoutOf({ a: annotation(0, { order: 2 }), b: annotation(1, { order: 1 }), c: annotation(0, { order: 3 }) })).toThrow(/runs task b before its input a/);
  });

  it('refuses to resume at a task that is not its own', () => {
    expect(() => new PlannedWorker(layoutOf({ a: annotation(0), b: annotation(1), c: annotation(0) }), 0, { parkAfterMs: 1, resumeAt: 'b' })).toThrow(/cannot resume at b/);
  });

  it('resumed from a cache: hits are fetched from the store, never waited on or marked; consumers outside the plan are not told', () => {
    // a and b are hits (stored before the run); c (worker 0) and d (worker 1) run; e reads only a and is a hit too.
    const cached = graphOf({ a: [], b: [], c: ['a', 'b'], d: ['c', 'b'], e: ['a'] }, ['d', 'e']);
    const layout = new PlanLayout(cached, ['a', 'b', 'c', 'd', 'e'], { tasks: { c: annotation(0), d: annotation(1) }, workers }, new Set(['a', 'b']));
    expect(layout.startWorkers()).toEqual([0]);
    expect(layout.expected('d')).toBe(1);
    expect(layout.graph.children('a')).toEqual(['c']);
    const first = new PlannedWorker(layout, 0, { parkAfterMs: 500 });
    expect(first.handle({ type: 'start' })).toEqual([
      { type: 'get', taskId: 'a' },
      { type: 'get', taskId: 'b' },
    ]);
    expect(first.handle({ type: 'got', taskId: 'a' })).toEqual([]);
    expect(first.handle({ type: 'got', taskId: 'b' })).toEqual([{ type: 'run', taskId: 'c', dup: false }]);
    expect(first.handle({ type: 'ran', taskId: 'c', dup: false })).toEqual([{ type: 'put', taskId: 'c' }]);
    // d's fan-in counts c alone: b is stored, not produced by a worker.
    expect(first.handle({ type: 'put-done', taskId: 'c' })).toEqual([{ type: 'mark-fan-in', childId: 'd', parentId: 'c', expected: 1 }]);
    first.validateState();
    const second = new PlannedWorker(layout, 1, { parkAfterMs: 500 });
    expect(second.handle({ type: 'start' })).toEqual([
      { type: 'get', taskId: 'c' },
      { type: 'get', taskId: 'b' },
    ]);
    second.handle({ type: 'got', taskId: 'c' });
    expect(second.handle({ type: 'got', taskId: 'b' })).toEqual([{ type: 'run', taskId: 'd', dup: false }]);
  });
});
