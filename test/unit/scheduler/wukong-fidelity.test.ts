import { describe, expect, it } from 'vitest';
import type { ExecutorEvent, Instruction } from '../../../src/scheduler/events.js';
import { WukongExecutor, type WukongHints } from '../../../src/scheduler/wukong-executor.js';
import { DEFAULT_DELAYED_IO_POLL, DEFAULT_THRESHOLD_BYTES, DEFAULT_WUKONG_OPTIONS, type WukongOptions } from '../../../src/model/wukong-options.js';
import type { RefGraph } from '../../../src/scheduler/wukong-held-outputs.js';
import { graphOf } from '../../helpers/interleaved-run.js';

/**
 * Each rule of the original WUKONG executor (docs/WUKONG-FIDELITY.md), pinned on the pure state
 * machine: one become per round, the one clustering rule, delayed I/O with its co-parent guard and
 * its poll, always-store, and per-output fetches.
 */

const BIG = 10_000;
/** `all` with a small threshold; outputs stored only when needed unless a test says otherwise. */
const ALL: WukongOptions = { ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: BIG, alwaysStore: false };

function machine(graph: RefGraph, options: WukongOptions, hints?: Omit<WukongHints, 'rank'>, order?: string[]) {
  const ids = order ?? [];
  const exec = new WukongExecutor(graph, options, { rank: (id) => ids.indexOf(id), ...hints });
  const step = (event: ExecutorEvent): Instruction[] => {
    const out = exec.handle(event);
    exec.validateState();
    return out;
  };
  return { exec, step };
}

const types = (out: Instruction[]) => out.map((i) => i.type);

describe('WUKONG fidelity: the original executor rules', () => {
  it('defaults: 200,000,000-byte threshold, always-store on, the original poll timings', () => {
    expect(DEFAULT_THRESHOLD_BYTES).toBe(200_000_000);
    expect(DEFAULT_WUKONG_OPTIONS.thresholdBytes).toBe(200_000_000);
    expect(DEFAULT_WUKONG_OPTIONS.alwaysStore).toBe(true);
    expect(DEFAULT_DELAYED_IO_POLL).toEqual({ baseMs: 1_500, capMs: 10_000, maxTries: 20 });
  });

  it('one become per round: after the first small output picks its become, later ones invoke every ready child', () => {
    // a is big: b and c run here in this round; each has two small-output children.
    const parents = { a: [], b: ['a'], c: ['a'], d: ['b'], e: ['b'], f: ['c'], g: ['c'] };
    const { exec, step } = machine(graphOf(parents), ALL, undefined, Object.keys(parents));
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: BIG })).toEqual([{ type: 'run', taskId: 'b' }]);
    // b: d becomes this round's become (run later), e is invoked; c runs next.
    expect(step({ type: 'ran', taskId: 'b', outputBytes: 10 })).toEqual([
      { type: 'invoke', taskId: 'e', inline: ['b'] },
      { type: 'run', taskId: 'c' },
    ]);
    // c: the round already has its become, so both f and g are invoked; then the round ends in d.
    expect(step({ type: 'ran', taskId: 'c', outputBytes: 10 })).toEqual([
      { type: 'invoke', taskId: 'f', inline: ['c'] },
      { type: 'invoke', taskId: 'g', inline: ['c'] },
      { type: 'run', taskId: 'd' },
    ]);
    expect(exec.stateOf('d')).toBe('running');
  });

  it('a big output runs every ready child here, in sequence, invoking nobody (singles and completed fan-ins)', () => {
    const parents = { a: [], x: [], s1: ['a'], s2: ['a'], f: ['a', 'x'] };
    const { step } = machine(graphOf(parents), { ...ALL, delayedIo: false }, undefined, Object.keys(parents));
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: BIG })).toEqual([{ type: 'check-fan-in', childId: 'f', parentId: 'a' }]);
    expect(step({ type: 'fan-in-checked', childId: 'f', parentId: 'a', markedParents: ['x'] })).toEqual([{ type: 'mark-fan-in', childId: 'f', parentId: 'a', expected: 2 }]);
    const out = step({ type: 'fan-in-marked', childId: 'f', parentId: 'a', complete: true });
    expect(out).toEqual([{ type: 'run', taskId: 's1' }]);
    expect(types(step({ type: 'ran', taskId: 's1', outputBytes: 1 }))).toEqual(['put', 'run']);
    expect(step({ type: 'ran', taskId: 's2', outputBytes: 1 })).toEqual([{ type: 'put', taskId: 's2' }, { type: 'get', taskId: 'x' }]);
  });

  it('the clustering flags are for ablation: without fan-out clustering a big output invokes its single children', () => {
    const parents = { a: [], s1: ['a'], s2: ['a'] };
    const { step } = machine(graphOf(parents), { ...ALL, fanOutClustering: false, inlineBudgetBytes: 100 }, undefined, Object.keys(parents));
    step({ type: 'start', taskId: 'a', inline: [] });
    // Too big to inline: stored first, then invoked by key; s1 is this round's become.
    expect(step({ type: 'ran', taskId: 'a', outputBytes: BIG })).toEqual([{ type: 'put', taskId: 'a' }, { type: 'run', taskId: 's1' }]);
    expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'invoke', taskId: 's2', inline: [] }]);
  });

  describe('delayed I/O', () => {
    const fanIn = { a: [], b: [], c: ['a', 'b'] };

    it('an unready fan-in child of a big output waits with the output in memory: nothing stored, nothing marked', () => {
      const { exec, step } = machine(graphOf(fanIn), ALL, { op: (id) => (id === 'a' ? 'load' : 'other') });
      step({ type: 'start', taskId: 'a', inline: [] });
      step({ type: 'ran', taskId: 'a', outputBytes: BIG });
      // Idle at once: the first poll round is this check; then a sleep of 1.5 s.
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] })).toEqual([{ type: 'sleep', ms: 1_500 }]);
      expect(exec.isStopped).toBe(false);
    });

    it('a co-parent with the same op blocks the delay: the output is stored and marked at once', () => {
      const { step } = machine(graphOf(fanIn), ALL, { op: () => 'load' });
      step({ type: 'start', taskId: 'a', inline: [] });
      step({ type: 'ran', taskId: 'a', outputBytes: BIG });
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] })).toEqual([{ type: 'put', taskId: 'a' }]);
      expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'mark-fan-in', childId: 'c', parentId: 'a', expected: 2 }]);
    });

    it('a co-parent predicted as large blocks the delay too', () => {
      const { step } = machine(graphOf(fanIn), ALL, { op: (id) => id, predictedOutputBytes: (id) => (id === 'b' ? BIG : 10) });
      step({ type: 'start', taskId: 'a', inline: [] });
      step({ type: 'ran', taskId: 'a', outputBytes: BIG });
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] })).toEqual([{ type: 'put', taskId: 'a' }]);
    });

    it('is retried after each task; a child found ready runs here and the output is never stored', () => {
      const parents = { a: [], b: [], s: ['a'], c: ['a', 'b'] };
      const { step } = machine(graphOf(parents), ALL, undefined, Object.keys(parents));
      step({ type: 'start', taskId: 'a', inline: [] });
      expect(types(step({ type: 'ran', taskId: 'a', outputBytes: BIG }))).toEqual(['check-fan-in']);
      // c not ready: delayed; s (a single child) runs meanwhile.
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] })).toEqual([{ type: 'run', taskId: 's' }]);
      // After s, c is checked again without waiting.
      expect(step({ type: 'ran', taskId: 's', outputBytes: 1 })).toEqual([
        { type: 'check-fan-in', childId: 'c', parentId: 'a' },
        { type: 'put', taskId: 's' },
      ]);
      step({ type: 'put-done', taskId: 's' });
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: ['b'] })).toEqual([{ type: 'mark-fan-in', childId: 'c', parentId: 'a', expected: 2 }]);
      expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: true })).toEqual([{ type: 'get', taskId: 'b' }]);
    });

    it('polls when idle, sleeping 1.5 s x n capped at 10 s; gives up after 20 tries: stores, marks, and runs the child if it completes', () => {
      const { step } = machine(graphOf(fanIn), ALL);
      step({ type: 'start', taskId: 'a', inline: [] });
      step({ type: 'ran', taskId: 'a', outputBytes: BIG });
      let out = step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] });
      const sleeps: number[] = [];
      for (;;) {
        const sleep = out.find((i) => i.type === 'sleep');
        if (!sleep || sleep.type !== 'sleep') break;
        sleeps.push(sleep.ms);
        out = step({ type: 'woke' });
        if (out.some((i) => i.type === 'check-fan-in')) out = step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] });
      }
      expect(sleeps).toEqual([1_500, 3_000, 4_500, 6_000, 7_500, 9_000, ...Array<number>(14).fill(10_000)]);
      // The 20th sleep is over: store, then mark.
      expect(out).toEqual([{ type: 'put', taskId: 'a' }]);
      expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'mark-fan-in', childId: 'c', parentId: 'a', expected: 2 }]);
      // b marked meanwhile: our mark completes c, which runs here (its other input fetched).
      expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: true })).toEqual([{ type: 'get', taskId: 'b' }]);
    });

    it('the poll timings are options', () => {
      const { step } = machine(graphOf(fanIn), { ...ALL, poll: { baseMs: 10, capMs: 15, maxTries: 2 } });
      step({ type: 'start', taskId: 'a', inline: [] });
      step({ type: 'ran', taskId: 'a', outputBytes: BIG });
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] })).toEqual([{ type: 'sleep', ms: 10 }]);
      expect(step({ type: 'woke' })).toEqual([{ type: 'check-fan-in', childId: 'c', parentId: 'a' }]);
      expect(step({ type: 'fan-in-checked', childId: 'c', parentId: 'a', markedParents: [] })).toEqual([{ type: 'sleep', ms: 15 }]);
      expect(step({ type: 'woke' })).toEqual([{ type: 'put', taskId: 'a' }]);
    });
  });

  it('always-store: a small output is stored before its fan-in marks, invocations and become', () => {
    const parents = { a: [], b: [], c: ['a', 'b'], d: ['a'], e: ['a'] };
    const { step } = machine(graphOf(parents), { ...ALL, alwaysStore: true }, undefined, Object.keys(parents));
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: 10 })).toEqual([{ type: 'put', taskId: 'a' }]);
    expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'mark-fan-in', childId: 'c', parentId: 'a', expected: 2 }]);
    expect(step({ type: 'fan-in-marked', childId: 'c', parentId: 'a', complete: false })).toEqual([
      { type: 'invoke', taskId: 'e', inline: ['a'] },
      { type: 'run', taskId: 'd' },
    ]);
  });

  it('always-store leaves big outputs alone (the original writes them only when needed)', () => {
    const { step } = machine(graphOf({ a: [], b: ['a'] }), { ...ALL, alwaysStore: true });
    step({ type: 'start', taskId: 'a', inline: [] });
    expect(step({ type: 'ran', taskId: 'a', outputBytes: BIG })).toEqual([{ type: 'run', taskId: 'b' }]);
  });

  it('with every optimization off a big output is stored before its become, as the original without clustering stores every output', () => {
    const none: WukongOptions = { ...ALL, fanOutClustering: false, fanInClustering: false, delayedIo: false, alwaysStore: true };
    const { exec, step } = machine(graphOf({ a: [], b: ['a'] }), none);
    step({ type: 'start', taskId: 'a', inline: [] });
    // Only b reads a and b runs here, yet a is written first (process_small), and b waits for it.
    expect(step({ type: 'ran', taskId: 'a', outputBytes: BIG })).toEqual([{ type: 'put', taskId: 'a' }]);
    expect(exec.stateOf('b')).toBeUndefined();
    expect(step({ type: 'put-done', taskId: 'a' })).toEqual([{ type: 'run', taskId: 'b' }]);
    // Any optimization on brings the big-output path back: no write for a child that runs here.
    const { step: stepFanOut } = machine(graphOf({ a: [], b: ['a'] }), { ...none, fanOutClustering: true });
    stepFanOut({ type: 'start', taskId: 'a', inline: [] });
    expect(stepFanOut({ type: 'ran', taskId: 'a', outputBytes: BIG })).toEqual([{ type: 'run', taskId: 'b' }]);
  });

  it('per-output fetches: a consumer of t#1 fetches only output 1; a later consumer of t#0 fetches only output 0', () => {
    // t (two outputs) ran elsewhere; this executor runs u (reads t#1) and then v (reads t#0 and u).
    const refs: Record<string, { taskId: string; output: number }[]> = { t: [], u: [{ taskId: 't', output: 1 }], v: [{ taskId: 't', output: 0 }, { taskId: 'u', output: 0 }] };
    const base = graphOf({ t: [], u: ['t'], v: ['t', 'u'] });
    const graph: RefGraph = { ...base, inputRefs: (id) => refs[id] ?? [] };
    const { step } = machine(graph, { ...ALL, alwaysStore: false }, undefined, ['t', 'u', 'v']);
    expect(step({ type: 'start', taskId: 'u', inline: [] })).toEqual([{ type: 'get', taskId: 't', outputs: [1] }]);
    expect(step({ type: 'got', taskId: 't' })).toEqual([{ type: 'run', taskId: 'u' }]);
    // v is a fan-in of t and u: u's mark completes it here (t marked by its executor).
    expect(step({ type: 'ran', taskId: 'u', outputBytes: 10 })).toEqual([{ type: 'put', taskId: 'u' }]);
    step({ type: 'put-done', taskId: 'u' });
    expect(step({ type: 'fan-in-marked', childId: 'v', parentId: 'u', complete: true })).toEqual([{ type: 'get', taskId: 't', outputs: [0] }]);
  });
});
