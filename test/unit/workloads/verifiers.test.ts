import { describe, expect, it } from 'vitest';
import { matrix, type MatrixBlock, type Value } from '../../../src/data/value.js';
import { evaluateWorkloadSequentially, findWorkload, resolveParams, type AnyWorkload, type VerifyResult } from '../../../workloads/index.js';

/** Small parameter sets that still exercise the structure (uneven blocks, TSQR recursion, rounds). */
const SMALL: Record<string, Record<string, number>> = {
  tr: { elements: 37 },
  gemm: { n: 200, block: 64 },
  tsqr: { rows: 2100, cols: 8, blockRows: 32 },
  svd: { rows: 1000, cols: 6, blockRows: 90 },
  'svd-square': { n: 256, block: 64, rank: 4, oversampling: 4, powerIterations: 1 },
  svc: { samples: 3000, chunkRows: 1000, testSamples: 1500, rounds: 2 },
};

function workload(name: string): AnyWorkload {
  const found = findWorkload(name);
  if (!found) throw new Error(`no workload ${name}`);
  return found;
}

async function evaluated(name: string, overrides: Record<string, number> = SMALL[name]!) {
  const w = workload(name);
  const params = resolveParams(w, { overrides });
  const outputs = await evaluateWorkloadSequentially(w.generate(params));
  return { w, params, outputs };
}

/** A copy of the outputs with `ref` replaced by `change(value)`. */
function corrupt(outputs: ReadonlyMap<string, Value>, ref: string, change: (value: MatrixBlock) => Value): Map<string, Value> {
  const copy = new Map(outputs);
  const value = copy.get(ref);
  if (value?.kind !== 'matrix') throw new Error(`output ${ref} is not a matrix`);
  copy.set(ref, change(value));
  return copy;
}

/** The block with element `index` changed by `delta`. */
function nudged(block: MatrixBlock, index: number, delta: number): MatrixBlock {
  const data = Float64Array.from(block.data);
  data[index] = data[index]! + delta;
  return matrix(block.rows, block.cols, data);
}

const failed = (result: VerifyResult) => result.checks.filter((c) => !c.ok).map((c) => c.name);

function expectPass(result: VerifyResult): void {
  expect(failed(result)).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.checks.length).toBeGreaterThan(0);
}

describe('verifiers pass on the sequential evaluation and fail on corrupted outputs', () => {
  it('tr: exact sum (bitwise, same tree order) and error bound', async () => {
    const { w, params, outputs } = await evaluated('tr');
    expectPass(w.verify(params, outputs));
    const off = corrupt(outputs, 'sum', (v) => nudged(v, 0, 2 ** -40));
    expect(failed(w.verify(params, off))).toEqual(['sum vs the same tree summed here (|difference|, bitwise)']);
    const wrongLeaf = corrupt(outputs, 'sum', (v) => nudged(v, 0, 0.5));
    expect(w.verify(params, wrongLeaf).ok).toBe(false);
  });

  it('tr with a delay still computes the exact sum, and a wrong last bit fails', async () => {
    const { w, params, outputs } = await evaluated('tr', { elements: 9, delayMs: 1 });
    expectPass(w.verify(params, outputs));
    expect(w.verify(params, corrupt(outputs, 'sum', (v) => nudged(v, 0, 1e-9))).ok).toBe(false);
  });

  it('gemm: Freivalds and the exact comparison both catch a wrong element', async () => {
    const { w, params, outputs } = await evaluated('gemm');
    expectPass(w.verify(params, outputs));
    const result = w.verify(params, corrupt(outputs, 'c-1-2', (v) => nudged(v, 17, 1e-6)));
    expect(failed(result)).toEqual([expect.stringMatching(/^Freivalds/), expect.stringMatching(/^C vs A·B/)]);
    // Swapped blocks of the right shapes are wrong too.
    const swapped = new Map(outputs);
    swapped.set('c-0-1', outputs.get('c-1-0')!);
    swapped.set('c-1-0', outputs.get('c-0-1')!);
    expect(w.verify(params, swapped).ok).toBe(false);
  });

  it('gemm: Freivalds alone (no exact comparison above n = 1024) still catches a wrong block', async () => {
    const { w, params, outputs } = await evaluated('gemm', { n: 1100, block: 550 });
    expect(w.verify(params, outputs).checks).toHaveLength(1);
    expectPass(w.verify(params, outputs));
    expect(w.verify(params, corrupt(outputs, 'c-1-1', (v) => nudged(v, 1000, 1e-4))).ok).toBe(false);
  });

  it('tsqr: residual, orthogonality and the shape of R', async () => {
    const { w, params, outputs } = await evaluated('tsqr');
    expectPass(w.verify(params, outputs));
    const rRef = [...outputs.keys()].at(-1)!;
    // 66 blocks x 8 rows of R > 32 rows: groups of 4 -> 17 -> 5 -> 2 stacked blocks, three recursions.
    expect(rRef).toBe('r-r-r-qr2#1');
    expect(failed(w.verify(params, corrupt(outputs, 'q-5', (v) => nudged(v, 3, 1e-7))))).toEqual([
      'reconstruction ||QR - A||/||A||',
      'orthogonality max|QᵀQ - I|',
    ]);
    const lowerR = w.verify(params, corrupt(outputs, rRef, (v) => nudged(v, v.cols * 3 + 1, 1e-9)));
    expect(failed(lowerR)).toContain('R upper triangular: max|R below diagonal|');
    // Q·(-I) and (-I)·R still multiply to A: only the sign convention catches it.
    const flippedQ = new Map(outputs);
    for (const [ref, value] of outputs) if (value.kind === 'matrix') flippedQ.set(ref, matrix(value.rows, value.cols, value.data.map((x) => -x)));
    expect(failed(w.verify(params, flippedQ))).toEqual(['R diagonal non-negative: min R_ii', 'R vs direct Householder QR of A (max rel. diff)']);
  });

  it('svd (tall-skinny): reconstruction, orthogonality and the true spectrum', async () => {
    const { w, params, outputs } = await evaluated('svd');
    expectPass(w.verify(params, outputs));
    const scaledS = w.verify(params, corrupt(outputs, 'svd#1', (v) => matrix(1, v.cols, v.data.map((x) => x * (1 + 1e-8)))));
    expect(failed(scaledS)).toEqual(['reconstruction ||U S Vt - A||/||A||', 'S vs sqrt(eig(AᵀA)): max|s - s_true| / s_true[0]']);
    expect(failed(w.verify(params, corrupt(outputs, 'svd#2', (v) => nudged(v, 4, 1e-6))))).toContain('Vt orthonormal rows: max|Vt Vtᵀ - I|');
  });

  it('svd-square: the known spectrum, optimal rank-k error and orthogonality', async () => {
    const { w, params, outputs } = await evaluated('svd-square');
    expectPass(w.verify(params, outputs));
    // A small error in S is orthogonal to the residual A - A_k (second order in the rank-k error):
    // only the comparison with the true spectrum sees it.
    const result = w.verify(params, corrupt(outputs, 's', (v) => nudged(v, 2, 1e-6)));
    expect(failed(result)).toEqual(['S vs the true spectrum: max|s - sigma| / sigma_0 over the top k']);
    expect(failed(w.verify(params, corrupt(outputs, 'u-2', (v) => nudged(v, 7, 1e-5))))).toContain('U orthonormal columns: max|UᵀU - I|');
    // Too few power iterations/sketch columns for a slowly decaying spectrum must fail too.
    const weak = await evaluated('svd-square', { n: 256, block: 64, rank: 10, oversampling: 0, powerIterations: 0, decay: 0.97 });
    expect(weak.w.verify(weak.params, weak.outputs).ok).toBe(false);
  });

  it('svc: accuracy over the threshold and the agreement count recomputed', async () => {
    const { w, params, outputs } = await evaluated('svc');
    expectPass(w.verify(params, outputs));
    // One test label counted the other way changes agreement by 2.
    expect(failed(w.verify(params, corrupt(outputs, 'agreement', (v) => nudged(v, 0, 2))))).toEqual([
      'agreement vs a recount with the returned weights (|difference|)',
    ]);
    const flipped = corrupt(outputs, `w-${params.rounds}`, (v) => matrix(1, v.cols, v.data.map((x) => -x)));
    expect(w.verify(params, flipped).ok).toBe(false);
    // Trained on four samples for one round, the model is not good enough.
    const weak = await evaluated('svc', { samples: 4, chunkRows: 1000, testSamples: 2000, rounds: 1 });
    expect(failed(weak.w.verify(weak.params, weak.outputs))).toEqual(['held-out accuracy']);
  });

  it('every verifier reports a missing or misshapen output as a failed check instead of throwing', async () => {
    for (const name of Object.keys(SMALL)) {
      const { w, params, outputs } = await evaluated(name);
      const [firstRef] = outputs.keys();
      const missing = new Map(outputs);
      missing.delete(firstRef!);
      const result = w.verify(params, missing);
      expect({ name, ok: result.ok, checks: result.checks.map((c) => c.name) }).toEqual({ name, ok: false, checks: ['outputs-usable'] });
      expect(result.checks[0]!.detail).toMatch(new RegExp(`output ${firstRef} is missing`));
      const misshapen = new Map(outputs);
      misshapen.set(firstRef!, matrix(1, 3));
      expect(w.verify(params, misshapen).ok).toBe(false);
    }
  });
});
