import { describe, expect, it } from 'vitest';
import type { ExecutorEvent, Instruction } from '../../../src/scheduler/events.js';
import { WukongExecutor } from '../../../src/scheduler/wukong-executor.js';
import { DEFAULT_WUKONG_OPTIONS, type WukongOptions } from '../../../src/model/wukong-options.js';
import { graphOf } from '../../helpers/interleaved-run.js';

/** The WUKONG deadline hand-off, decided by the pure machine (issue 23 item 3). */
const BIG = 10_000;
const OPTIONS: WukongOptions = { ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: BIG, alwaysStore: false };

function machine(parents: Record<string, string[]>, options: WukongOptions = OPTIONS) {
  const order = Object.keys(parents);
  const exec = new WukongExecutor(graphOf(parents), options, (id) => order.indexOf(id));
  const step = (event: ExecutorEvent): Instruction[] => {
    const out = exec.handle(event);
    exec.validateState();
    return out;
  };
  return { exec, step };
}

describe('WukongExecutor deadline hand-off', () => {
  it('starts no next task: the become child is handed to a fresh executor and the executor stops', () => {
    const { exec, step } = machine({ a: [], b: ['a'], c: ['b'] });
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'deadline-near' })).toEqual([]);
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 10 })).toEqual([{ type: 'hand-off', tasks: ['b'], owedMarks: [] }, { type: 'stop' }]);
    expect(exec.isStopped).toBe(true);
    expect(exec.isHandedOff).toBe(true);
    expect(exec.stateOf('b')).toBe('invoked');
  });

  it('waits until nothing is in flight (here the always-store put) before handing off', () => {
    const { step } = machine({ a: [], b: ['a'] }, { ...OPTIONS, alwaysStore: true });
    step({ type: 'start', taskId: 'a', inline: [] });
    step({ type: 'deadline-near' });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 10 })).toEqual([{ type: 'put', taskId: 'a' }]);
    expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'hand-off', tasks: ['b'], owedMarks: [] }, { type: 'stop' }]);
  });

  it('hands off the clustered queue in order, and owes the marks delayed I/O held back (no poll, no sleep)', () => {
    const { step } = machine({ a: [], b: [], s1: ['a'], s2: ['a'], c: ['a', 'b'] });
    step({ type: 'start', taskId: 'a', inline: [] });
    step({ type: 'deadline-near' });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: BIG })).toEqual([{ type: 'check-fan-in', childId: 'c', parentId: 'a' }]);
    expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] })).toEqual([
      { type: 'hand-off', tasks: ['s1', 's2'], owedMarks: [{ childId: 'c', parentId: 'a' }] },
      { type: 'stop' },
    ]);
  });

  it('with nothing left to hand off, stops as usual', () => {
    const { exec, step } = machine({ a: [] });
    step({ type: 'start', taskId: 'a', inline: [] });
    step({ type: 'deadline-near' });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 10 })).toEqual([{ type: 'put', taskId: 'a' }]);
    expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'output-ready', taskId: 'a' }, { type: 'stop' }]);
    expect(exec.isHandedOff).toBe(false);
  });
});
