import { describe, expect, it } from 'vitest';
import type { Plan } from '../../../src/model/annotated-dag.js';
import { PlanLayout } from '../../../src/scheduler/planned-layout.js';
import { awaitedWorker, claimOwner, lostClaimExecutorId, startLaunches, startPrewarms } from '../../../src/scheduler/planned-start.js';
import { PlannedWorker } from '../../../src/scheduler/planned-worker.js';
import { graphOf } from '../../helpers/interleaved-run.js';

/**
 * Sources a, b, s; c reads a and b; d reads s and c.
 * Worker 0 runs a and c, worker 1 b, worker 2 only the dup source s (its consumer d recomputes it),
 * worker 3 d.
 */
const graph = graphOf({ a: [], b: [], s: [], c: ['a', 'b'], d: ['s', 'c'] });
const annotation = (worker: number, extra: Partial<Plan['tasks'][string]> = {}) => ({ worker, preload: false, prewarm: [], dup: false, ...extra });
const tier = { memoryMb: 1769, vcpu: 1 };
const workers = { '0': tier, '1': tier, '2': tier, '3': tier };
const layout = new PlanLayout(graph, ['a', 'b', 's', 'c', 'd'], {
  tasks: { a: annotation(0), b: annotation(1), s: annotation(2, { dup: true }), c: annotation(0), d: annotation(3) },
  workers,
});

describe('startLaunches (the client calls of a planned start)', () => {
  it('a worker that runs only dup sources is awaited by no one; the others are', () => {
    expect([0, 1, 2].map((w) => awaitedWorker(layout, w))).toEqual([true, true, false]);
  });

  it('without hedging: awaited start workers first, then the others, one call each', () => {
    expect(startLaunches(layout, false)).toEqual([{ worker: 0 }, { worker: 1 }, { worker: 2 }]);
  });

  it('hedged: each awaited start worker twice (copies 0 then 1), the unawaited once and last', () => {
    expect(startLaunches(layout, true)).toEqual([
      { worker: 0, hedge: 0 },
      { worker: 1, hedge: 0 },
      { worker: 0, hedge: 1 },
      { worker: 1, hedge: 1 },
      { worker: 2 },
    ]);
  });

  it('the copies claim under distinct owners; a loser reports under an id the client does not wait for', () => {
    expect(claimOwner(4, 0)).not.toBe(claimOwner(4, 1));
    expect(lostClaimExecutorId(4, 1)).not.toBe('w-4');
  });
});

describe('startPrewarms (the client pre-warms after its start calls)', () => {
  it('one per listed worker a producer invokes: start workers, unknown workers and repeats add none', () => {
    expect(startPrewarms(layout, [3, 0, 9, 3])).toEqual([3]);
    expect(startPrewarms(layout, undefined)).toEqual([]);
  });
});

describe('PlannedWorker with a hedged start', () => {
  it('claims the worker before anything else, and runs once the claim is won', () => {
    const worker = new PlannedWorker(layout, 1, { parkAfterMs: 500, claimAs: claimOwner(1, 0) });
    expect(worker.handle({ type: 'start' })).toEqual([{ type: 'claim-start', worker: 1, owner: 'w-1#0' }]);
    worker.validateState();
    expect(worker.handle({ type: 'start-claimed', won: true })).toEqual([{ type: 'run', taskId: 'b', dup: false }]);
    expect(worker.isUnclaimed).toBe(false);
    worker.validateState();
  });

  it('stops at once, having run nothing, when the other copy holds the worker', () => {
    const worker = new PlannedWorker(layout, 1, { parkAfterMs: 500, claimAs: claimOwner(1, 1) });
    worker.handle({ type: 'start' });
    expect(worker.handle({ type: 'start-claimed', won: false })).toEqual([{ type: 'stop' }]);
    expect(worker.isUnclaimed).toBe(true);
    expect(worker.isStopped).toBe(true);
    expect(worker.ranHere).toEqual([]);
    worker.validateState();
  });

  it('without claimAs the worker starts at once, as before', () => {
    const worker = new PlannedWorker(layout, 1, { parkAfterMs: 500 });
    expect(worker.handle({ type: 'start' })).toEqual([{ type: 'run', taskId: 'b', dup: false }]);
  });
});
