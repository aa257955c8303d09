import { describe, expect, it } from 'vitest';
import { SharedCores } from '../../../src/sim/shared-cores.js';
import { DETERMINISTIC_PROFILE, parseCostProfile } from '../../../src/cost/profile.js';
import { simulateSpec, work } from './sim-dags.js';

describe('SharedCores', () => {
  it('runs a task on the core that frees first, from when it frees', () => {
    const cores = new SharedCores(2);
    expect(cores.reserve(0, 100)).toBe(0);
    expect(cores.reserve(0, 50)).toBe(0);
    // Both busy: the second core frees at 50.
    expect(cores.reserve(10, 30)).toBe(50);
    // Now free at 100 and 80: the one at 80.
    expect(cores.reserve(60, 10)).toBe(80);
    // Later than every core frees: starts now.
    expect(cores.reserve(500, 10)).toBe(500);
  });

  it('refuses no cores', () => {
    expect(() => new SharedCores(0)).toThrow(/cores must be a positive integer, got 0/);
  });
});

describe('simulate with shared CPU cores (hand-computed, deterministic profile)', () => {
  // Four CPU-bound 100 ms tasks fanned out from one source (no WUKONG optimizations): the source's
  // executor runs "a" at once; b, c, d each wait for an Invoke call (20 ms) and a cold start (100 ms).
  const fanOut = {
    name: 'fan',
    tasks: [work('s', 0, 8), work('a', 100, 8, ['s']), work('b', 100, 8, ['s']), work('c', 100, 8, ['s']), work('d', 100, 8, ['s']), work('z', 0, 8, ['a', 'b', 'c', 'd'])],
  };
  const runSpan = (profile = DETERMINISTIC_PROFILE) => {
    const { report } = simulateSpec(fanOut, { profile });
    const runs = report.tasks.filter((t) => ['a', 'b', 'c', 'd'].includes(t.taskId));
    return Math.max(...runs.map((t) => t.endAt)) - Math.min(...runs.map((t) => t.startAt));
  };

  it('own CPUs (no sharedCpuCores): b, c, d run together, 120 ms after a: span 220 ms', () => {
    expect(runSpan()).toBeCloseTo(220, 9);
  });

  it('two shared cores: b and c take them at 120 ms, d waits for one until 220 ms: span 320 ms', () => {
    const twoCores = parseCostProfile({ extends: 'deterministic', name: 'two-cores', lambda: { sharedCpuCores: 2 } });
    expect(runSpan(twoCores)).toBeCloseTo(320, 9);
  });

  it('a sleeping synthetic.work takes no core', () => {
    const sleepy = { name: 'sleepy', tasks: fanOut.tasks.map((t) => (t.id === 's' || t.id === 'z' ? t : { ...t, args: { ...t.args, mode: 'sleep' } })) };
    const oneCore = parseCostProfile({ extends: 'deterministic', name: 'one-core', lambda: { sharedCpuCores: 1 } });
    const { report } = simulateSpec(sleepy, { profile: oneCore });
    const runs = report.tasks.filter((t) => ['a', 'b', 'c', 'd'].includes(t.taskId));
    expect(Math.max(...runs.map((t) => t.endAt)) - Math.min(...runs.map((t) => t.startAt))).toBeCloseTo(220, 9);
  });

  it("the runtime's per-task overhead takes the task's core before its op, sleeping or not", () => {
    const oneCore = parseCostProfile({ extends: 'deterministic', name: 'one-core', lambda: { sharedCpuCores: 1 } });
    const withOverhead = parseCostProfile({ extends: 'deterministic', name: 'one-core-overhead', lambda: { sharedCpuCores: 1, taskOverheadMs: 10 } });
    const sleepy = { name: 'sleepy', tasks: fanOut.tasks.map((t) => (t.id === 's' || t.id === 'z' ? t : { ...t, args: { ...t.args, mode: 'sleep' } })) };
    const taskOf = (spec: typeof fanOut, profile: typeof oneCore, id: string) => simulateSpec(spec, { profile }).report.tasks.find((t) => t.taskId === id)!;
    // The source's executor runs "a" right after "s": 10 ms of overhead each, on the one core.
    expect(taskOf(fanOut, withOverhead, 'a').startAt - taskOf(fanOut, oneCore, 'a').startAt).toBeCloseTo(20, 9);
    // b, c, d sleep, so they share the core only for their overheads: one after another, 10 ms apart.
    const starts = ['b', 'c', 'd'].map((id) => taskOf(sleepy, withOverhead, id).startAt).sort((x, y) => x - y);
    expect(starts[1]! - starts[0]!).toBeCloseTo(10, 9);
    expect(starts[2]! - starts[1]!).toBeCloseTo(10, 9);
    // A CPU-bound b, c, d also hold the core for their 100 ms runs.
    const busy = ['b', 'c', 'd'].map((id) => taskOf(fanOut, withOverhead, id).startAt).sort((x, y) => x - y);
    expect(busy[1]! - busy[0]!).toBeCloseTo(110, 9);
  });

  it("the platform's background CPU per task takes a core after the task's own run: it delays what comes later, never the task", () => {
    const oneCore = parseCostProfile({ extends: 'deterministic', name: 'one-core', lambda: { sharedCpuCores: 1 } });
    const withBackground = parseCostProfile({ extends: 'deterministic', name: 'one-core-background', lambda: { sharedCpuCores: 1, taskBackgroundCpuMs: 30 } });
    const tasksOf = (profile: typeof oneCore) => new Map(simulateSpec(fanOut, { profile }).report.tasks.map((t) => [t.taskId, t]));
    const plain = tasksOf(oneCore);
    const background = tasksOf(withBackground);
    // The source runs when it would have: nothing was issued before it.
    expect(background.get('s')!.startAt).toBeCloseTo(plain.get('s')!.startAt, 9);
    // b, c and d queue for the one core behind a's run and every earlier task's 30 ms of background.
    const starts = (tasks: typeof plain) => ['b', 'c', 'd'].map((id) => tasks.get(id)!.startAt).sort((x, y) => x - y);
    const [b0, c0, d0] = starts(plain);
    const [b1, c1, d1] = starts(background);
    expect(b1!).toBeGreaterThan(b0!);
    // Each of them adds its own 30 ms behind it: 100 ms runs now start 130 ms apart.
    expect(c1! - b1!).toBeCloseTo(c0! - b0! + 30, 9);
    expect(d1! - c1!).toBeCloseTo(d0! - c0! + 30, 9);
    // The last task's own background delays nothing: it ends as its run does.
    expect(background.get('z')!.endAt - background.get('z')!.startAt).toBeCloseTo(plain.get('z')!.endAt - plain.get('z')!.startAt, 9);
  });
});
