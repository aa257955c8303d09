import { describe, expect, it } from 'vitest';
import type { DagSpec, TaskSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { AWS_PROFILE, DETERMINISTIC_PROFILE } from '../../../src/cost/profile.js';
import { simulate, type SimulationResult } from '../../../src/sim/simulator.js';
import { DEFAULT_TASK_EXEC_MS, DEFAULT_TASK_OUTPUT_BYTES, createDagTaskEstimator } from '../../../src/sim/task-estimates.js';
import { simulateSpec, work } from './sim-dags.js';

/** A binary tree reduction over `leaves` leaves, 50 ms per task, 2 MB per output. */
function treeReduction(leaves: number): DagSpec {
  const tasks: TaskSpec[] = [];
  let level = Array.from({ length: leaves }, (_, i) => `l${i}`);
  for (const id of level) tasks.push(work(id, 50, 2_000_000));
  for (let depth = 1; level.length > 1; depth += 1) {
    const next: string[] = [];
    for (let j = 0; j + 1 < level.length; j += 2) {
      const id = `r${depth}-${j / 2}`;
      tasks.push(work(id, 50, 2_000_000, [level[j] as string, level[j + 1] as string]));
      next.push(id);
    }
    level = next;
  }
  return { name: `tree-${leaves}`, tasks };
}

function awsRun(spec: DagSpec, seed: number): SimulationResult {
  const dag = runDagFromSpec(spec);
  return simulate({ dag, wukong: DEFAULT_WUKONG_OPTIONS, profile: AWS_PROFILE, estimator: createDagTaskEstimator(dag, AWS_PROFILE), seed, memoryMb: 3008, storeKind: 'redis' });
}

const withoutWallTime = (result: SimulationResult) => ({ ...result, stats: { ...result.stats, wallMs: 0 } });

describe('simulate determinism', () => {
  const spec = treeReduction(64);

  it('the same seed gives an identical report and stats (wall time aside)', () => {
    const first = awsRun(spec, 7);
    const second = awsRun(spec, 7);
    expect(first.report.ok).toBe(true);
    expect(JSON.stringify(withoutWallTime(second))).toBe(JSON.stringify(withoutWallTime(first)));
    expect([...second.outputsReadyAt]).toEqual([...first.outputsReadyAt]);
  });

  it('different seeds draw different latencies', () => {
    const makespans = new Set([1, 2, 3].map((seed) => awsRun(spec, seed).report.makespanMs));
    expect(makespans.size).toBeGreaterThan(1);
  });

  it('a tree reduction of 64 leaves: every task once, 63 fan-ins, makespan above its lower bound', () => {
    const { report, stats } = awsRun(spec, 3);
    expect(stats.tasks).toBe(127);
    expect(new Set(report.tasks.map((t) => t.taskId)).size).toBe(127);
    expect(stats.fanInCompletions).toBe(63);
    expect(stats.lowerBoundMs).toBe(7 * 50);
    expect(report.makespanMs).toBeGreaterThan(stats.lowerBoundMs);
    // One executor per leaf; the completer of each fan-in carries on. Invocations that arrive after
    // an early executor ended reuse its environment warm.
    expect(report.summary.executors).toBe(64);
    expect(stats.coldStarts + stats.warmStarts).toBe(64);
    expect(stats.coldStarts).toBeGreaterThan(32);
  });
});

describe('createDagTaskEstimator', () => {
  const dag = runDagFromSpec({
    tasks: [
      work('w', 40, 123),
      { id: 'w8', op: 'synthetic.work', args: { ms: 5 } },
      { id: 'b', op: 'synthetic.bytes', args: { bytes: 4096 }, hints: { durationMs: 3 } },
      { id: 'm', op: 'matrix.random', args: { rows: 2, cols: 2, seed: 1 }, hints: { durationMs: 70, outputBytes: 999 } },
      { id: 'x', op: 'matrix.random', args: { rows: 2, cols: 2, seed: 2 } },
    ],
  });
  const estimator = createDagTaskEstimator(dag, DETERMINISTIC_PROFILE);

  it('reads synthetic args, then hints, then the documented defaults', () => {
    expect([estimator.execMs('w', 1769), estimator.outputBytes('w')]).toEqual([40, 123]);
    expect(estimator.outputBytes('w8')).toBe(8);
    expect([estimator.execMs('b', 1769), estimator.outputBytes('b')]).toEqual([3, 4096]);
    expect([estimator.execMs('m', 1769), estimator.outputBytes('m')]).toEqual([70, 999]);
    expect([estimator.execMs('x', 1769), estimator.outputBytes('x')]).toEqual([DEFAULT_TASK_EXEC_MS, DEFAULT_TASK_OUTPUT_BYTES]);
  });

  it('the simulator uses what the estimator says', () => {
    const { report } = simulateSpec({ tasks: [{ id: 'm', op: 'matrix.random', args: { rows: 2, cols: 2, seed: 1 }, hints: { durationMs: 70, outputBytes: 999 } }] });
    expect(report.tasks[0]).toMatchObject({ execMs: 70, outputBytes: 999, bytesWritten: 999 });
  });
});
