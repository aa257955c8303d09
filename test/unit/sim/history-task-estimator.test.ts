import { describe, expect, it } from 'vitest';
import type { ExecutionTimeEstimate, MetadataAccess } from '../../../src/metadata/metadata-access.js';
import { historyFromRecords } from '../../../src/metadata/metadata-history.js';
import type { TaskRecord, WorkerConfig } from '../../../src/metadata/records.js';
import { taskKeyOf } from '../../../src/metadata/task-key.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { historyTaskDescriptors, historyTaskEstimatorForDag } from '../../../src/sim/history-task-descriptors.js';
import { createHistoryTaskEstimator, predictFromHistory, type EstimatorGraph } from '../../../src/sim/history-task-estimator.js';
import { AWS_PROFILE, DETERMINISTIC_PROFILE } from '../../../src/cost/profile.js';

/** A hand-made graph: a -> c, b -> c, c -> d (d also reads a). */
function diamondGraph(mode: 'spin' | 'sleep' = 'spin'): EstimatorGraph {
  const parents: Record<string, string[]> = { a: [], b: [], c: ['a', 'b'], d: ['c', 'a'] };
  const children: Record<string, string[]> = { a: ['c', 'd'], b: ['c'], c: ['d'], d: [] };
  return {
    sources: () => ['a', 'b'],
    parents: (id) => parents[id] ?? [],
    children: (id) => children[id] ?? [],
    task: () => ({ op: 'synthetic.work', args: { ms: 1, mode } }),
  };
}

/** A predictor whose answers are simple functions of input bytes, to check the propagation. */
function linearAccess(asked: [string, number | undefined][] = []): MetadataAccess {
  return {
    predictOutputSize: (taskId, inputBytes) => {
      asked.push([taskId, inputBytes]);
      return 2 * (inputBytes ?? 0) + 100;
    },
    predictExecutionTime: <C extends WorkerConfig>(_taskId: string, inputBytes: number | undefined, configs: readonly C[]): ExecutionTimeEstimate<C>[] =>
      configs.map((config) => ({ config, ms: 10 + (inputBytes ?? 0) / 10 })),
    predictRemoteDownloadTime: () => 0,
    predictUploadTime: () => 0,
    predictColdStartMs: () => 0,
    predictWarmStartMs: () => 0,
  };
}

function taskRecord(taskId: string, taskKey: string, execMs: number, outputBytes: number, inputBytes = 0): TaskRecord {
  return { type: 'task', runId: 'r1', taskId, op: 'synthetic.work', taskKey, worker: { memoryMb: 1769, vcpu: 1 }, execMs, inputBytes, outputBytes, at: 1 };
}

describe('predictFromHistory', () => {
  it("sums the parents' predicted outputs into each task's input, in topological order", () => {
    // Prepare
    const asked: [string, number | undefined][] = [];
    // Act
    const estimates = predictFromHistory(diamondGraph(), linearAccess(asked));
    // Assess: a, b output 100; c reads 200 -> outputs 500; d reads 500 + 100 -> outputs 1,300.
    expect(Object.fromEntries(estimates.inputBytes)).toEqual({ a: 0, b: 0, c: 200, d: 600 });
    expect(Object.fromEntries(estimates.outputBytes)).toEqual({ a: 100, b: 100, c: 500, d: 1300 });
    expect(estimates.referenceMs.get('d')).toBe(70);
    expect(asked.map(([id]) => id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('createHistoryTaskEstimator', () => {
  it("stretches a CPU-bound task by the profile's slowdown at small tiers, not a sleeping one", () => {
    const spin = createHistoryTaskEstimator(diamondGraph('spin'), linearAccess(), AWS_PROFILE);
    const sleep = createHistoryTaskEstimator(diamondGraph('sleep'), linearAccess(), AWS_PROFILE);
    // c: 10 + 200 / 10 = 30 ms on one vCPU; half a vCPU (884.5 MB) doubles it.
    expect(spin.execMs('c', 1769)).toBeCloseTo(30, 9);
    expect(spin.execMs('c', 884.5)).toBeCloseTo(60, 9);
    expect(sleep.execMs('c', 884.5)).toBeCloseTo(30, 9);
    expect(spin.outputBytes('c')).toBe(500);
  });

  it('names a task it has no estimate for', () => {
    const estimator = createHistoryTaskEstimator(diamondGraph(), linearAccess(), DETERMINISTIC_PROFILE);
    expect(() => estimator.execMs('zz', 1769)).toThrow(/no history estimate for task zz/);
  });

  it('with the metadata predictor: own history, then taskKey history, then what the DAG states', () => {
    // Prepare: "a" ran before in this DAG (its own id); "other-src" is a task of another DAG with
    // the same op and args as "b" (its taskKey); "c" never ran.
    const spec = {
      name: 'h',
      tasks: [
        { id: 'a', op: 'synthetic.work', args: { ms: 5, outputBytes: 10 } },
        { id: 'b', op: 'synthetic.work', args: { ms: 7, outputBytes: 20 } },
        { id: 'c', op: 'synthetic.work', args: { ms: 9, outputBytes: 30 }, deps: ['a', 'b'] },
      ],
    };
    const dag = runDagFromSpec(spec);
    const keyA = taskKeyOf('synthetic.work', { ms: 5, outputBytes: 10 }, []);
    const keyB = taskKeyOf('synthetic.work', { ms: 7, outputBytes: 20 }, []);
    const history = historyFromRecords([taskRecord('a', keyA, 50, 10), taskRecord('a', keyA, 52, 10), taskRecord('other-src', keyB, 70, 20)]);
    // Act
    const estimator = historyTaskEstimatorForDag(dag, history, DETERMINISTIC_PROFILE);
    // Assess
    expect(estimator.execMs('a', 1769)).toBeCloseTo(51, 9);
    expect(estimator.execMs('b', 1769)).toBeCloseTo(70, 9);
    expect(estimator.execMs('c', 1769)).toBe(9);
    expect(estimator.outputBytes('c')).toBe(30);
    expect(estimator.estimates.inputBytes.get('c')).toBe(30);
  });
});

describe('historyTaskDescriptors', () => {
  it("keys sources exactly, others by their own recorded key, else by a key no history has", () => {
    const spec = {
      name: 'h',
      tasks: [
        { id: 's', op: 'synthetic.work', args: { ms: 1 } },
        { id: 'm', op: 'synthetic.work', args: { ms: 2 }, deps: ['s'] },
        { id: 'n', op: 'synthetic.work', args: { ms: 3 }, deps: ['s'], hints: { outputBytes: 99 } },
      ],
    };
    const dag = runDagFromSpec(spec);
    const history = historyFromRecords([taskRecord('m', 'synthetic.work|{"ms":2}|b:8', 2, 8)]);
    const byId = new Map(historyTaskDescriptors(dag, history).map((d) => [d.taskId, d]));
    expect(byId.get('s')?.taskKey).toBe('synthetic.work|{"ms":1}|');
    expect(byId.get('m')?.taskKey).toBe('synthetic.work|{"ms":2}|b:8');
    expect(byId.get('n')?.taskKey).toBe('synthetic.work|{"ms":3}|?');
    // synthetic.work args win over hints: they are what the op does.
    expect(byId.get('n')?.hints).toEqual({ durationMs: 3, outputBytes: 8 });
  });

  it('keeps an exact static descriptor; one with unknown shapes falls back to the recorded key', () => {
    const spec = {
      name: 'h',
      tasks: [
        { id: 's', op: 'synthetic.work', args: { ms: 1 } },
        { id: 'm', op: 'synthetic.work', args: { ms: 2 }, deps: ['s'] },
        { id: 'n', op: 'synthetic.work', args: { ms: 3 }, deps: ['s'] },
      ],
    };
    const dag = runDagFromSpec(spec);
    const history = historyFromRecords([taskRecord('n', 'synthetic.work|{"ms":3}|b:8', 3, 8, 8)]);
    const statics = [
      { taskId: 'm', op: 'synthetic.work', taskKey: 'static-m', inputBytes: 8, outputBytes: 8 },
      { taskId: 'n', op: 'synthetic.work', taskKey: 'synthetic.work|{"ms":3}|?', unknownShapesReason: 'upstream unknown' },
    ];
    const byId = new Map(historyTaskDescriptors(dag, history, statics).map((d) => [d.taskId, d]));
    expect(byId.get('m')).toMatchObject({ taskKey: 'static-m', inputBytes: 8, hints: { durationMs: 2, outputBytes: 8 } });
    expect(byId.get('n')).toMatchObject({ taskKey: 'synthetic.work|{"ms":3}|b:8', inputBytes: 8 });
  });
});
