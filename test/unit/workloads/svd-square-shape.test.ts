import { describe, expect, it } from 'vitest';
import { parseDepRef, type DagSpec } from '../../../src/model/dag-schema.js';
import { findWorkload, resolveParams, type AnyWorkload } from '../../../workloads/index.js';

const svdSquareWorkload = findWorkload('svd-square') as AnyWorkload;

/** The ops of the tasks that read block a-i-j of A, sorted. */
function readersOfA(spec: DagSpec, i: number, j: number): string[] {
  const id = `a-${i}-${j}`;
  return spec.tasks
    .filter((t) => (t.deps ?? []).some((d) => parseDepRef(d).taskId === id))
    .map((t) => t.id.replace(/-\d+(-\d+)*$/, ''))
    .sort();
}

describe('svd-square: the DAG Dask svd_compressed builds', () => {
  it('forms B = Qᵀ·A from the blocks of A as they are: without power iterations no task transposes a block of A', () => {
    // Prepare: 4 x 4 blocks, no power iteration (Dask's default n_power_iter=0).
    const params = resolveParams(svdSquareWorkload, { overrides: { n: 2048, block: 512, powerIterations: 0 } });
    // Act
    const spec = svdSquareWorkload.generate(params);
    // Assess: each block of A is read by exactly its A·Ω product and its Qᵀ·A product.
    expect(spec.tasks.filter((t) => t.id.startsWith('at-'))).toEqual([]);
    for (let i = 0; i < 4; i += 1) for (let j = 0; j < 4; j += 1) expect(readersOfA(spec, i, j)).toEqual(['b-mul', 'y0-mul']);
    // B's column blocks are l x b_j products of Qᵀ's blocks with A's, then transposed into Bᵀ's row blocks.
    const bt = spec.tasks.find((t) => t.id === 'bt-2');
    expect(bt?.op).toBe('matrix.transpose');
    expect(bt?.deps).toEqual(['b-2']);
    expect(spec.tasks.find((t) => t.id === 'b-mul-1-2')?.deps).toEqual(['qt-1', 'a-1-2']);
  });

  it("keeps one transpose per block of A for the power iterations' Aᵀ· products", () => {
    const params = resolveParams(svdSquareWorkload, { overrides: { n: 2048, block: 512, powerIterations: 1 } });
    const spec = svdSquareWorkload.generate(params);
    expect(spec.tasks.filter((t) => t.id.startsWith('at-'))).toHaveLength(16);
    // A's block is read by A·Ω, the iteration's A·Q', its transpose, and Qᵀ·A.
    expect(readersOfA(spec, 1, 2)).toEqual(['at', 'b-mul', 'y0-mul', 'y1-mul']);
  });
});
