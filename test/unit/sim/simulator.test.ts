import { describe, expect, it } from 'vitest';
import { RunReportSchema } from '../../../src/report/run-report.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { DETERMINISTIC_PROFILE, type CostProfile } from '../../../src/cost/profile.js';
import { NO_OPTIMIZATIONS, simulateSpec, work } from './sim-dags.js';

/*
 * Hand-computed makespans with the deterministic profile: Invoke call 20 ms, cold start 100 ms,
 * warm start 10 ms, Redis request 1 ms, 100,000 bytes/ms per function, one full vCPU.
 * A put or get of B bytes takes 1 + B / 100,000 ms.
 */
const transfer = (bytes: number) => 1 + bytes / 100_000;

describe('simulate (deterministic profile, hand-computed)', () => {
  it('a chain of 3 runs in one executor: invoke + cold start + 3 runs + the output put', () => {
    // Prepare
    const spec = { name: 'chain', tasks: [work('a', 100, 8), work('b', 100, 8, ['a']), work('c', 100, 8, ['b'])] };
    // Act
    const { report, stats, outputsReadyAt } = simulateSpec(spec);
    // Assess
    expect(report.ok).toBe(true);
    expect(report.backend).toBe('simulated');
    expect(report.makespanMs).toBeCloseTo(20 + 100 + 300 + transfer(8), 9);
    expect(outputsReadyAt.get('c')).toBeCloseTo(report.makespanMs, 9);
    expect(report.executors).toHaveLength(1);
    expect(report.executors[0]?.cold).toBe(true);
    expect(report.tasks.map((t) => [t.taskId, t.startAt, t.endAt])).toEqual([
      ['a', 120, 220],
      ['b', 220, 320],
      ['c', 320, 420],
    ]);
    expect(stats.lowerBoundMs).toBe(300);
    expect(() => RunReportSchema.parse(report)).not.toThrow();
  });

  it('a fan-out of 2 with small outputs: becomes one child, invokes the other with the output inline', () => {
    const spec = { tasks: [work('a', 100, 8), work('b', 100, 8, ['a']), work('c', 100, 8, ['a'])] };
    const { report, stats } = simulateSpec(spec);
    // a ends at 220; c: invoke call 20 + cold start 100 -> starts 340, ends 440, then its put.
    expect(report.makespanMs).toBeCloseTo(440 + transfer(8), 9);
    expect(report.executors.map((e) => e.startTaskId).sort()).toEqual(['a', 'c']);
    const c = report.tasks.find((t) => t.taskId === 'c');
    expect(c?.getMs).toBe(0); // inline: nothing fetched
    expect(stats.gets).toBe(0);
    expect(stats.puts).toBe(2); // the two sinks
  });

  describe('a fan-in of 2 with a large output', () => {
    // a (100 ms) and b (200 ms) both output 1,000,000 bytes (large: threshold 1,000); c joins them.
    const spec = { tasks: [work('a', 100, 1_000_000), work('b', 200, 1_000_000), work('c', 100, 8, ['a', 'b'])] };
    const big = transfer(1_000_000); // 11 ms

    it('without optimizations both outputs are stored before marking', () => {
      const { report, stats } = simulateSpec(spec, { wukong: { ...NO_OPTIMIZATIONS, thresholdBytes: 1000 } });
      // b ends 320, put 11 -> 331, mark 1 -> 332 completes; c fetches a (11) -> 343; runs -> 443; put.
      expect(report.makespanMs).toBeCloseTo(320 + big + 1 + big + 100 + transfer(8), 9);
      expect(stats.puts).toBe(3);
      expect(stats.fanInCompletions).toBe(1);
    });

    it('with delayed I/O the completing parent skips its upload', () => {
      const { report, stats } = simulateSpec(spec, { wukong: { ...NO_OPTIMIZATIONS, delayedIo: true, thresholdBytes: 1000 } });
      // b ends 320, checks (1): a is marked, so b marks (1) without storing: 322; c fetches a (11).
      expect(report.makespanMs).toBeCloseTo(320 + 1 + 1 + big + 100 + transfer(8), 9);
      expect(stats.puts).toBe(2); // a's and c's, not b's
      expect(report.tasks.find((t) => t.taskId === 'b')?.bytesWritten).toBe(0);
    });
  });

  it('a warm environment saves the cold start minus the warm start', () => {
    const spec = { tasks: [work('a', 100, 8), work('b', 100, 8, ['a'])] };
    const cold = simulateSpec(spec);
    const warm = simulateSpec(spec, { warmContainers: 1 });
    expect(cold.report.makespanMs - warm.report.makespanMs).toBeCloseTo(100 - 10, 9);
    expect(cold.report.executors[0]?.cold).toBe(true);
    expect(warm.report.executors[0]?.cold).toBe(false);
    expect(warm.report.summary.coldStarts).toBe(0);
  });

  it('a concurrency limit of 1 serializes a fan-out of 3, reusing the one environment warm', () => {
    // Prepare
    const profile: CostProfile = { ...DETERMINISTIC_PROFILE, lambda: { ...DETERMINISTIC_PROFILE.lambda, accountConcurrency: 1 } };
    const spec = { tasks: [work('a', 100, 8), work('b', 100, 8, ['a']), work('c', 100, 8, ['a']), work('d', 100, 8, ['a'])] };
    // Act
    const { report, stats } = simulateSpec(spec, { profile });
    // Assess: a+b's executor ends at 321; c waits for it: warm start 10 -> runs 331..431, put -> 432;
    // then d: 442..542, put -> 543.
    expect(report.makespanMs).toBeCloseTo(543 + 3 * (8 / 100_000), 9);
    const executors = [...report.executors].sort((x, y) => x.startedAt - y.startedAt);
    expect(executors.map((e) => e.startTaskId)).toEqual(['a', 'c', 'd']);
    for (let i = 1; i < executors.length; i += 1) {
      expect(executors[i]?.startedAt).toBeGreaterThanOrEqual(executors[i - 1]?.endedAt as number);
    }
    expect(executors.map((e) => e.cold)).toEqual([true, false, false]);
    expect(stats.maxConcurrentExecutions).toBe(1);
    expect(stats.queuedInvocations).toBe(2);
  });

  it('an unlimited fan-out of 3 runs its executors at once, each cold', () => {
    const spec = { tasks: [work('a', 100, 8), work('b', 100, 8, ['a']), work('c', 100, 8, ['a']), work('d', 100, 8, ['a'])] };
    const { report, stats } = simulateSpec(spec);
    expect(report.makespanMs).toBeCloseTo(440 + transfer(8), 9);
    expect(stats.coldStarts).toBe(3);
    expect(stats.maxConcurrentExecutions).toBe(3);
  });

  it('fan-out clustering runs the children of a large output locally instead of invoking', () => {
    const spec = { tasks: [work('a', 100, 1_000_000), work('b', 100, 8, ['a']), work('c', 100, 8, ['a'])] };
    const { report, stats } = simulateSpec(spec, { wukong: { ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: 1000 } });
    expect(report.executors).toHaveLength(1);
    expect(stats.gets).toBe(0);
    // a 120..220, b and c in turn to 420; each sink is stored (b's put overlaps c's run).
    expect(report.makespanMs).toBeCloseTo(420 + transfer(8), 9);
  });

  it('less memory than one vCPU stretches CPU-bound tasks but not sleeping ones', () => {
    const spin = { tasks: [work('a', 100, 0)] };
    const sleep = { tasks: [{ id: 'a', op: 'synthetic.work', args: { ms: 100, outputBytes: 0, mode: 'sleep' } }] };
    const half = Math.round(1769 / 2);
    expect(simulateSpec(spin, { memoryMb: half }).report.tasks[0]?.execMs).toBeCloseTo(100 * (1769 / half), 9);
    expect(simulateSpec(sleep, { memoryMb: half }).report.tasks[0]?.execMs).toBe(100);
    expect(simulateSpec(spin, { memoryMb: 10_240 }).report.tasks[0]?.execMs).toBe(100);
  });

  it('S3 stores bill PUT and GET requests in the cost formula', () => {
    const spec = { tasks: [work('a', 100, 1_000_000), work('b', 100, 8), work('c', 100, 8, ['a', 'b'])] };
    const { report, stats } = simulateSpec(spec, { storeKind: 's3', wukong: { ...NO_OPTIMIZATIONS, thresholdBytes: 1000 } });
    expect(stats.puts).toBeGreaterThan(0);
    expect(report.summary.costFormula).toMatch(/PUT x \$0\.005\/1k/);
    expect(report.summary.costUsd).toBeGreaterThan(0);
  });

  it('always-store: every small output is stored before the executor moves on (the original)', () => {
    const spec = { name: 'chain', tasks: [work('a', 100, 8), work('b', 100, 8, ['a']), work('c', 100, 8, ['b'])] };
    const { report, stats } = simulateSpec(spec, { wukong: { ...NO_OPTIMIZATIONS, alwaysStore: true } });
    expect(stats.puts).toBe(3);
    expect(report.makespanMs).toBeCloseTo(20 + 100 + 300 + 3 * transfer(8), 9);
  });

  it('per-output transfers: a consumer of q#1 fetches only output 1, and getMs is wall time, not a sum', () => {
    // q has two outputs, 900,000 and 100,000 bytes; c reads only q#1 and also p (fetched alongside).
    const spec = {
      tasks: [work('q', 100, 1_000_000), work('p', 100, 1_000_000), { id: 'c', op: 'synthetic.work', args: { ms: 10, outputBytes: 8 }, deps: ['q#1', 'p'] }, { id: 'd', op: 'synthetic.work', args: { ms: 10, outputBytes: 8 }, deps: ['q#0'] }],
      outputs: ['c', 'd'],
    };
    const { report } = simulateSpec(spec, { outputShares: (id) => (id === 'q' ? [0.9, 0.1] : undefined) });
    const c = report.tasks.find((t) => t.taskId === 'c');
    const d = report.tasks.find((t) => t.taskId === 'd');
    expect(c?.inputBytes).toBe(100_000 + 1_000_000);
    expect(d?.inputBytes).toBe(900_000);
    // c's executor fetched one of its inputs (the other was in memory), never q#0.
    expect([100_000, 1_000_000]).toContain(c?.bytesRead);
    expect(d?.bytesRead === 0 || d?.bytesRead === 900_000).toBe(true);
  });

  it('WUKONG-mode fan-in marks cost the profile\'s wukongFanInLatency where it has one (the embedded shared table)', () => {
    // Prepare: a diamond; the last of b and c to mark d's fan-in runs d, one mark on the critical path.
    const spec = { name: 'diamond', tasks: [work('a', 10, 8), work('b', 10, 8, ['a']), work('c', 50, 8, ['a']), work('d', 10, 8, ['b', 'c'])] };
    const sharedTable: CostProfile = { ...DETERMINISTIC_PROFILE, coordination: { ...DETERMINISTIC_PROFILE.coordination, wukongFanInLatency: { medianMs: 0, p90Ms: 0 } } };
    // Act
    const viaCoordinator = simulateSpec(spec).report.makespanMs;
    const viaSharedTable = simulateSpec(spec, { profile: sharedTable }).report.makespanMs;
    // Assess: the 1 ms Redis round trip of c's mark is gone, nothing else moves.
    expect(viaCoordinator - viaSharedTable).toBeCloseTo(DETERMINISTIC_PROFILE.coordination.opLatency.medianMs, 9);
  });

  it('rejects a memory size outside the profile', () => {
    expect(() => simulateSpec({ tasks: [work('a', 1, 8)] }, { memoryMb: 64 })).toThrow(/memory must be/);
  });
});
