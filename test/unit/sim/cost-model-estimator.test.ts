import { describe, expect, it } from 'vitest';
import { Dag } from '../../../src/dag/dag.js';
import { historyFromRecords } from '../../../src/metadata/metadata-history.js';
import type { TaskRecord } from '../../../src/metadata/records.js';
import { taskKeyOf } from '../../../src/metadata/task-key.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { AWS_BLAS_PROFILE, AWS_PROFILE, computeSlowdown, DETERMINISTIC_PROFILE } from '../../../src/cost/profile.js';
import { efficiencyAt, type KernelTable } from '../../../src/cost/kernel-rates.js';
import { createCostModelEstimator } from '../../../src/sim/cost-model-estimator.js';
import { describeTaskCosts } from '../../../src/sim/cost-model-estimator.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';

const ops = createBuiltinRegistry();

/** Two 1000 x 1000 blocks, their sum after a delay, and an op the registry does not price (table.filter-like: hint only). */
const spec = {
  name: 'costs',
  tasks: [
    { id: 'a', op: 'matrix.random', args: { rows: 1000, cols: 1000, seed: 1 } },
    { id: 'b', op: 'matrix.random', args: { rows: 1000, cols: 1000, seed: 2 } },
    { id: 'sum', op: 'matrix.add', deps: ['a', 'b'], args: { delayMs: 500 }, hints: { durationMs: 500 } },
    { id: 'prod', op: 'matrix.matmul', deps: ['a', 'b'] },
  ],
} as unknown as DagSpec;

function record(taskId: string, taskKey: string, execMs: number, outputBytes: number): TaskRecord {
  return { type: 'task', runId: 'r1', taskId, op: taskKey.slice(0, taskKey.indexOf('|')), taskKey, worker: { memoryMb: 1769, vcpu: 1 }, execMs, inputBytes: 0, outputBytes, at: 1 };
}

describe('createCostModelEstimator (issue 15 item 3)', () => {
  const model = Dag.fromSpec(spec);

  it('prices each task from its op cost declaration at the profile rates (1 GFLOP/s, 1 GB/s)', () => {
    const e = createCostModelEstimator(model, ops, DETERMINISTIC_PROFILE);
    // random: 8e6 bytes written at 1e6 bytes/ms.
    expect(e.execMs('a', 1769)).toBeCloseTo(8, 9);
    // add: 1e6 flops (1 ms) vs 24e6 bytes (24 ms), then the 500 ms delay waited.
    expect(e.execMs('sum', 1769)).toBeCloseTo(524, 9);
    expect(e.usesCpu?.('sum')).toBe(false);
    // matmul: 2e9 flops at 1e6 per ms.
    expect(e.execMs('prod', 1769)).toBeCloseTo(2000, 6);
    // Half a vCPU stretches the compute, not the wait.
    expect(e.execMs('sum', 1769 / 2)).toBeCloseTo(548, 6);
    expect(e.outputBytes('prod')).toBe(8e6);
    expect(e.counts).toEqual({ history: 0, 'cost model': 4, 'declared time': 0, hint: 0, default: 0 });
    expect(e.description).toMatch(/4 from op cost models at profile deterministic/);
  });

  it('without kernel rates, falls back to hints, then the default', () => {
    const { kernels: _dropped, ...bare } = DETERMINISTIC_PROFILE;
    const e = createCostModelEstimator(model, ops, bare);
    expect(e.execMs('sum', 1769)).toBe(500);
    expect(e.execMs('prod', 1769)).toBe(10);
    expect(e.counts).toEqual({ history: 0, 'cost model': 0, 'declared time': 0, hint: 1, default: 3 });
  });

  it('history answers only for the same task key: not across args (delayMs) or sizes', () => {
    const addNoDelay = taskKeyOf('matrix.add', {}, ['1000x1000', '1000x1000']);
    const matmulOther = taskKeyOf('matrix.matmul', {}, ['500x500', '500x500']);
    const matmulSame = taskKeyOf('matrix.matmul', {}, ['1000x1000', '1000x1000']);
    const history = historyFromRecords([record('x', addNoDelay, 3, 8e6), record('y', matmulOther, 40, 2e6)]);
    const e = createCostModelEstimator(model, ops, DETERMINISTIC_PROFILE, { history, where: 'test' });
    expect(e.execMs('sum', 1769)).toBeCloseTo(524, 9);
    expect(e.execMs('prod', 1769)).toBeCloseTo(2000, 6);
    expect(e.counts.history).toBe(0);
    const same = createCostModelEstimator(model, ops, DETERMINISTIC_PROFILE, { history: historyFromRecords([record('z', matmulSame, 300, 8e6)]), where: 'test' });
    expect(same.execMs('prod', 1769)).toBe(300);
    expect(same.description).toMatch(/1 from history of test \(same task key only\)/);
  });

  it('aws-blas: a matmul on 3,538 MB (2 vCPUs) runs 1 + e times faster than on 1,769 MB; aws (JavaScript) and elementwise do not', () => {
    const blas = createCostModelEstimator(model, ops, AWS_BLAS_PROFILE);
    const matmul = AWS_BLAS_PROFILE.kernels?.kernels.matmul?.parallelEfficiency;
    if (matmul === undefined) throw new Error('aws-blas matmul declares no parallelEfficiency');
    const e = efficiencyAt(matmul, 2 * 1000 ** 3);
    expect(e).toBeGreaterThan(0);
    const overheadMs = (AWS_BLAS_PROFILE.kernels as KernelTable).kernels.matmul?.overheadMs ?? 0;
    // The roofline part speeds up by 1 + e; the 0.05 ms dispatch overhead stays on one thread.
    expect(blas.execMs('prod', 3538) - overheadMs).toBeCloseTo((blas.execMs('prod', 1769) - overheadMs) / (1 + e), 6);
    // More vCPUs, faster, up to the 6-vCPU cap (Lambda's 10,240 MB is 5.79).
    expect(blas.execMs('prod', 10_240)).toBeLessThan(blas.execMs('prod', 3538));
    expect(blas.execMs('prod', 1769 * 6)).toBeLessThan(blas.execMs('prod', 10_240));
    expect(blas.execMs('prod', 1769 * 7)).toBeCloseTo(blas.execMs('prod', 1769 * 6), 9);
    // Below one vCPU every kernel is stretched by the share alike.
    expect(blas.execMs('prod', 1769 / 2)).toBeCloseTo(2 * blas.execMs('prod', 1769), 6);
    // random (numpy's generator, one thread) and add (elementwise) gain nothing from a second vCPU.
    expect(blas.execMs('a', 3538)).toBe(blas.execMs('a', 1769));
    expect(blas.execMs('sum', 3538)).toBe(blas.execMs('sum', 1769));
    // The project's own kernels (aws) are single-threaded JavaScript: capped at one vCPU.
    const js = createCostModelEstimator(model, ops, AWS_PROFILE);
    expect(js.execMs('prod', 3538)).toBe(js.execMs('prod', 1769));
    expect(js.execMs('prod', 10_240)).toBe(js.execMs('prod', 1769));
  });

  it('computeSlowdown: 1 / share below one vCPU, 1 / (1 + (v - 1) e) above, capped at maxVcpu; e = 0 is single-threaded', () => {
    expect(computeSlowdown(AWS_BLAS_PROFILE, 1769 / 4, 0.9)).toBeCloseTo(4, 9);
    expect(computeSlowdown(AWS_BLAS_PROFILE, 1769 * 3, 0.5)).toBeCloseTo(1 / 2, 9);
    expect(computeSlowdown(AWS_BLAS_PROFILE, 1769 * 3, 0)).toBe(1);
    expect(computeSlowdown(AWS_BLAS_PROFILE, 1769 * 8, 1)).toBeCloseTo(1 / 6, 9);
  });

  it("synthetic.work's tasks are priced from the time they declare, and said to be; no kernel rates named when none priced a task", () => {
    const work = (id: string, mode: 'sleep' | 'spin', deps: string[] = []) => ({ id, op: 'synthetic.work', args: { ms: 40, mode }, ...(deps.length > 0 ? { deps } : {}) });
    const sleeps = Dag.fromSpec({ name: 'sleeps', tasks: [work('s1', 'sleep'), work('s2', 'spin', ['s1'])] } as unknown as DagSpec);
    const e = createCostModelEstimator(sleeps, ops, AWS_PROFILE);
    expect(e.execMs('s1', 3008)).toBeCloseTo(40, 3);
    expect(e.counts).toEqual({ history: 0, 'cost model': 0, 'declared time': 2, hint: 0, default: 0 });
    expect(e.description).toBe("tasks: 2 from the time their ops declare (synthetic.work's ms), not kernel rates");
    expect(describeTaskCosts(e, AWS_PROFILE)).not.toMatch(/kernel rates:|calibrate/);
    // Mixed with a task the rates priced: both named, and the rates' source.
    const mixed = Dag.fromSpec({ name: 'mixed', tasks: [work('s1', 'sleep'), { id: 'f', op: 'matrix.fill', args: { rows: 10, cols: 10, value: 1 } }] } as unknown as DagSpec);
    const m = createCostModelEstimator(mixed, ops, AWS_PROFILE);
    expect(describeTaskCosts(m, AWS_PROFILE)).toMatch(/^tasks: 1 from op cost models at profile aws's kernel rates, 1 from the time their ops declare .*; kernel rates: measured by `wukong calibrate/);
  });
});
