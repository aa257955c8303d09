import { describe, expect, it } from 'vitest';
import type { ExecutorEvent, Instruction } from '../../../src/scheduler/events.js';
import { InvalidTransitionError } from '../../../src/scheduler/transitions.js';
import { WukongExecutor } from '../../../src/scheduler/wukong-executor.js';
import { DEFAULT_WUKONG_OPTIONS, parseWukongOptimizations, type WukongOptions } from '../../../src/model/wukong-options.js';
import { graphOf } from '../../helpers/interleaved-run.js';

/** No optimization, and outputs stored only when read elsewhere (alwaysStore: test/unit/scheduler/wukong-fidelity.test.ts). */
const NONE: WukongOptions = { ...DEFAULT_WUKONG_OPTIONS, fanOutClustering: false, fanInClustering: false, delayedIo: false, alwaysStore: false };
const KB = 1024;

function machine(parents: Record<string, string[]>, options: WukongOptions = NONE, outputs?: string[]) {
  const order = Object.keys(parents);
  const exec = new WukongExecutor(graphOf(parents, outputs), options, (id) => order.indexOf(id));
  const step = (event: ExecutorEvent): Instruction[] => {
    const out = exec.handle(event);
    exec.validateState();
    return out;
  };
  return { exec, step };
}

describe('WukongExecutor (WUKONG mode)', () => {
  it('runs a source task, becomes its only child, stores and reports the sink', () => {
    // Prepare
    const { exec, step } = machine({ a: [], b: ['a'] });
    // Act / Assess
    expect(step({ type: 'start', taskId: 'a', inline: [] })).toEqual([{ type: 'run', taskId: 'a' }]);
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 10 })).toEqual([{ type: 'run', taskId: 'b' }]);
    expect(step({ type: 'ran', taskId: 'b', outputBytes: 10 })).toEqual([{ type: 'put', taskId: 'b' }]);
    expect(step({ type: 'put-done', taskId: 'b' })).toEqual([{ type: 'output-ready', taskId: 'b' }, { type: 'stop' }]);
    expect(exec.isStopped).toBe(true);
    expect(exec.ranHere).toEqual(['a', 'b']);
  });

  it('fans out: becomes the first child in schedule order and invokes the others with the output inline', () => {
    const { step } = machine({ a: [], b: ['a'], c: ['a'], d: ['a'] });
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 100 })).toEqual([
      { type: 'invoke', taskId: 'c', inline: ['a'] },
      { type: 'invoke', taskId: 'd', inline: ['a'] },
      { type: 'run', taskId: 'b' },
    ]);
  });

  it('passes a large output by key: stores it before invoking', () => {
    const { step } = machine({ a: [], b: ['a'], c: ['a'] });
    step({ type: 'start', taskId: 'a', inline: [] });
    const big = DEFAULT_WUKONG_OPTIONS.inlineBudgetBytes + 1;
    expect(step({ type: 'ran', taskId: 'a', outputBytes: big })).toEqual([
      { type: 'put', taskId: 'a' },
      { type: 'run', taskId: 'b' },
    ]);
    expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'invoke', taskId: 'c', inline: [] }]);
  });

  it('fan-in: stores before marking; the completing mark runs the child here after fetching the other input', () => {
    const { step } = machine({ a: [], b: [], c: ['a', 'b'] });
    step({ type: 'start', taskId: 'b', inline: [] });
    expect(step({ type: 'ran', taskId: 'b', outputBytes: 8 })).toEqual([{ type: 'put', taskId: 'b' }]);
    expect(step({ type: 'put-done', taskId: 'b' })).toEqual([{ type: 'mark-fan-in', childId: 'c', parentId: 'b', expected: 2 }]);
    expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'b', complete: true })).toEqual([{ type: 'get', taskId: 'a' }]);
    expect(step({ type: 'got', taskId: 'a' })).toEqual([{ type: 'run', taskId: 'c' }]);
  });

  it('fan-in: an incomplete mark stops the executor', () => {
    const { exec, step } = machine({ a: [], b: [], c: ['a', 'b'] });
    step({ type: 'start', taskId: 'a', inline: [] });
    step({ type: 'ran', taskId: 'a', outputBytes: 8 });
    step({ type: 'put-done', taskId: 'a' });
    expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: false })).toEqual([{ type: 'stop' }]);
    expect(exec.isStopped).toBe(true);
  });

  it('fan-out clustering runs every child of a large output here, invoking nobody', () => {
    const options = { ...NONE, fanOutClustering: true, thresholdBytes: 10 * KB };
    const { step } = machine({ a: [], b: ['a'], c: ['a'] }, options);
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 20 * KB })).toEqual([{ type: 'run', taskId: 'b' }]);
    expect(step({ type: 'ran', taskId: 'b', outputBytes: 1 })).toEqual([{ type: 'put', taskId: 'b' }, { type: 'run', taskId: 'c' }]);
  });

  it('fan-in clustering: a large output checks first, marks without storing when it completes, and runs every completed child here', () => {
    const options = { ...NONE, fanInClustering: true, thresholdBytes: 10 * KB };
    const { step } = machine({ a: [], b: [], c: ['a', 'b'], d: ['a', 'b'] }, options);
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 20 * KB }).map((i) => i.type)).toEqual(['check-fan-in', 'check-fan-in']);
    // b is marked for c: our mark completes c, so nobody else needs a's output for it.
    expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: ['b'] })).toEqual([{ type: 'mark-fan-in', childId: 'c', parentId: 'a', expected: 2 }]);
    // Not for d: store, then mark.
    expect(step({ type: 'fan-in-checked', childId: 'd', parentId: 'a', markedParents: [] })).toEqual([{ type: 'put', taskId: 'a' }]);
    expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'mark-fan-in', childId: 'd', parentId: 'a', expected: 2 }]);
    expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: true })).toEqual([]);
    // Both complete here and the output is large: no invocation, both run here (c first).
    expect(step({ type: 'fan-in-marked', childId: 'd', parentId: 'a', complete: true })).toEqual([{ type: 'get', taskId: 'b' }]);
  });

  it('a retried executor whose earlier run marked a fan-in stores its large output again before marking, though every other parent is marked', () => {
    for (const options of [
      { ...NONE, fanInClustering: true, thresholdBytes: 10 * KB },
      { ...NONE, delayedIo: true, thresholdBytes: 10 * KB },
    ]) {
      const { step } = machine({ a: [], b: [], c: ['a', 'b'] }, options);
      step({ type: 'start', taskId: 'a', inline: [] });
      step({ type: 'ran', taskId: 'a', outputBytes: 20 * KB });
      // a's earlier attempt marked, then b completed the fan-in and reads a's output from the store.
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: ['a', 'b'] })).toEqual([{ type: 'put', taskId: 'a' }]);
      expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'mark-fan-in', childId: 'c', parentId: 'a', expected: 2 }]);
      expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: false })).toEqual([{ type: 'stop' }]);
    }
  });

  it('without fan-in clustering a second completed fan-in child is invoked', () => {
    const { step } = machine({ a: [], b: [], c: ['a', 'b'], d: ['a', 'b'] }, { ...NONE, thresholdBytes: 10 * KB });
    step({ type: 'start', taskId: 'a', inline: [] });
    step({ type: 'ran', taskId: 'a', outputBytes: 20 * KB });
    step({ type: 'put-done', taskId: 'a' });
    step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: true });
    const out = step({ type: 'fan-in-marked', childId: 'd', parentId: 'a', complete: true });
    expect(out).toContainEqual({ type: 'invoke', taskId: 'd', inline: ['a'] });
  });

  it('delayed I/O: when our mark completes the fan-in, the large output is never uploaded', () => {
    const options = { ...NONE, delayedIo: true, thresholdBytes: 10 * KB };
    const { step } = machine({ a: [], b: [], c: ['a', 'b'] }, options);
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 20 * KB })).toEqual([{ type: 'check-fan-in', childId: 'c', parentId: 'a' }]);
    expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: ['b'] })).toEqual([
      { type: 'mark-fan-in', childId: 'c', parentId: 'a', expected: 2 },
    ]);
    expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: true })).toEqual([{ type: 'get', taskId: 'b' }]);
  });

  it('a failed op fails the run and stops at once', () => {
    const { exec, step } = machine({ a: [], b: ['a'] });
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'failed', taskId: 'a', message: 'boom' })).toEqual([
      { type: 'fail-run', taskId: 'a', message: 'boom' },
      { type: 'stop' },
    ]);
    expect(exec.stateOf('a')).toBe('failed');
  });

  it('rejects illegal transitions', () => {
    const { exec } = machine({ a: [] });
    exec.handle({ type: 'start', taskId: 'a', inline: [] });
    expect(() => exec.handle({ type: 'start', taskId: 'a', inline: [] })).toThrow(InvalidTransitionError);
  });

  it('parses --wukong-opts', () => {
    expect(parseWukongOptimizations('all')).toEqual({ fanOutClustering: true, fanInClustering: true, delayedIo: true });
    expect(parseWukongOptimizations('none')).toEqual({ fanOutClustering: false, fanInClustering: false, delayedIo: false });
    expect(parseWukongOptimizations('delayed-io,fanout-clustering')).toEqual({ fanOutClustering: true, fanInClustering: false, delayedIo: true });
    expect(() => parseWukongOptimizations('fanout')).toThrow(/unknown WUKONG optimization "fanout"/);
  });
});
