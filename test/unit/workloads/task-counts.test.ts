import { describe, expect, it } from 'vitest';
import { parseDepRef } from '../../../src/model/dag-schema.js';
import { validateDag } from '../../../src/dag/validate.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { findWorkload, resolveParams, WORKLOADS, type AnyWorkload } from '../../../workloads/index.js';

const registry = createBuiltinRegistry();

/** Parameter sets per workload: the presets plus edge shapes (uneven blocks, one block, trees). */
const CASES: Record<string, Record<string, number>[]> = {
  tr: [{ elements: 2 }, { elements: 5 }, { elements: 1024 }, { elements: 1000, splitEvery: 3 }, { elements: 64, delayMs: 10 }],
  gemm: [{ n: 100, block: 100 }, { n: 256, block: 128 }, { n: 300, block: 64 }, { n: 1000, block: 50, splitEvery: 4 }],
  tsqr: [
    { rows: 100, cols: 10, blockRows: 100 },
    { rows: 4096, cols: 16, blockRows: 512 },
    { rows: 65_536, cols: 64, blockRows: 1024 },
    { rows: 1_000_000, cols: 8, blockRows: 1000 },
    { rows: 1000, cols: 10, blockRows: 95 },
  ],
  svd: [
    { rows: 4096, cols: 16, blockRows: 512 },
    { rows: 65_536, cols: 64, blockRows: 1024 },
    { rows: 1030, cols: 5, blockRows: 100 },
  ],
  'svd-square': [
    { n: 256, block: 128, rank: 5 },
    { n: 2048, block: 512, powerIterations: 0 },
    { n: 2048, block: 512, powerIterations: 3 },
    { n: 300, block: 75, rank: 15, oversampling: 15 },
    { n: 2560, block: 64, rank: 3, oversampling: 2 },
  ],
  pipeline: [{ rows: 50_000, files: 4 }, { rows: 10, files: 1 }, { rows: 2_000_000, files: 8, topK: 3 }],
  svc: [{ samples: 4000, chunkRows: 1000, testSamples: 2000 }, { samples: 1000, chunkRows: 1000, testSamples: 10 }, { samples: 100_000, chunkRows: 1000, testSamples: 5000 }],
};

function workload(name: string): AnyWorkload {
  const found = findWorkload(name);
  if (!found) throw new Error(`no workload ${name}`);
  return found;
}

describe('workload generators', () => {
  it('cover every registered workload in these cases', () => {
    expect(Object.keys(CASES).sort()).toEqual(WORKLOADS.map((w) => w.name).sort());
  });

  for (const [name, cases] of Object.entries(CASES)) {
    it(`${name}: the task count matches its formula at several sizes, and the DAG is valid`, () => {
      for (const overrides of [...['small', 'medium', 'large'].map((size) => ({ size })), ...cases.map((c) => ({ overrides: c }))]) {
        // Prepare
        const w = workload(name);
        const params = resolveParams(w, overrides);
        // Act
        const spec = w.generate(params);
        // Assess
        expect({ overrides, tasks: spec.tasks.length }).toEqual({ overrides, tasks: w.taskCount(params) });
        const validation = validateDag(spec, registry);
        expect(validation.ok ? [] : validation.problems.slice(0, 3)).toEqual([]);
        for (const ref of spec.outputs ?? []) expect(spec.tasks.some((t) => t.id === parseDepRef(ref).taskId)).toBe(true);
      }
    });

    it(`${name}: generation is deterministic and every seed is a safe integer`, () => {
      const w = workload(name);
      const params = resolveParams(w, { size: 'small' });
      const spec = w.generate(params);
      expect(w.generate(params)).toEqual(spec);
      for (const task of spec.tasks) {
        const seed = task.args?.seed;
        if (seed !== undefined) expect(Number.isSafeInteger(seed) && (seed as number) >= 0).toBe(true);
      }
      const other = w.generate({ ...params, seed: params.seed! + 1 });
      expect(other).not.toEqual(spec);
    });
  }
});

describe('task counts against the paper and Dask', () => {
  it('TR of 1,024 elements: 1,024 leaves and the paper\'s 1,023 reduction tasks', () => {
    const w = workload('tr');
    const spec = w.generate(resolveParams(w, { overrides: { elements: 1024 } }));
    expect(spec.tasks.filter((t) => t.op === 'matrix.random')).toHaveLength(1024);
    expect(spec.tasks.filter((t) => t.op === 'matrix.add')).toHaveLength(1023);
    expect(spec.tasks.every((t) => (t.deps ?? []).length <= 2)).toBe(true);
    expect(spec.outputs).toEqual(['sum']);
  });

  it('TR with a delay keeps the tree; every reduction sums, then sleeps, and says so in its hints', () => {
    const w = workload('tr');
    const spec = w.generate(resolveParams(w, { overrides: { elements: 8, delayMs: 500 } }));
    const reductions = spec.tasks.filter((t) => t.op === 'matrix.add');
    expect(reductions).toHaveLength(7);
    for (const task of reductions) expect({ args: task.args, hints: task.hints }).toEqual({ args: { delayMs: 500 }, hints: { durationMs: 500 } });
  });

  it('GEMM: g^3 block products and one variadic sum over k per output block (Dask matmul)', () => {
    const w = workload('gemm');
    const spec = w.generate(resolveParams(w, { overrides: { n: 512, block: 128 } }));
    expect(spec.tasks.filter((t) => t.op === 'matrix.matmul')).toHaveLength(64);
    const sums = spec.tasks.filter((t) => t.op === 'matrix.add');
    expect(sums).toHaveLength(16);
    expect(sums.find((t) => t.id === 'c-1-2')?.deps).toEqual(['mul-1-0-2', 'mul-1-1-2', 'mul-1-2-2', 'mul-1-3-2']);
  });

  it('TSQR is one level while blocks x cols fits a block, and recurses as Dask does beyond', () => {
    const w = workload('tsqr');
    const oneLevel = w.generate(resolveParams(w, { overrides: { rows: 4096, cols: 16, blockRows: 512 } }));
    expect(oneLevel.tasks.filter((t) => t.op === 'matrix.qr')).toHaveLength(9);
    expect(oneLevel.tasks.find((t) => t.id === 'stack')?.deps).toHaveLength(8);
    // 64 blocks of 1024 x 64: 64 R's of 64 rows = 4096 > 1024, so groups of 1024 / 64 = 16.
    const recursive = w.generate(resolveParams(w, { overrides: { rows: 65_536, cols: 64, blockRows: 1024 } }));
    const stacks = recursive.tasks.filter((t) => t.op === 'matrix.vstack');
    expect(stacks.map((t) => t.id)).toEqual(['stack-0', 'stack-1', 'stack-2', 'stack-3', 'r-stack']);
    expect(stacks[0]!.deps).toHaveLength(16);
    expect(recursive.outputs?.at(-1)).toBe('r-qr2#1');
    expect(recursive.tasks.find((t) => t.id === 'q2-17')?.args).toEqual({ rowStart: 64, rowEnd: 128, colStart: 0, colEnd: 64 });
  });
});
