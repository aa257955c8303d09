import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { describeParams, findWorkload, resolveParams, WORKLOADS, type AnyWorkload } from '../../../workloads/index.js';

function workload(name: string): AnyWorkload {
  const found = findWorkload(name);
  if (!found) throw new Error(`no workload ${name}`);
  return found;
}

describe('resolveParams', () => {
  it('fills defaults, then a preset, a numeric size, --block and overrides, in that order', () => {
    const gemm = workload('gemm');
    expect(resolveParams(gemm, {})).toEqual({ n: 1536, block: 384, splitEvery: 16, seed: 1 });
    expect(resolveParams(gemm, { size: 'small' })).toEqual({ n: 256, block: 128, splitEvery: 16, seed: 1 });
    expect(resolveParams(gemm, { size: '1000', block: 250 })).toMatchObject({ n: 1000, block: 250 });
    expect(resolveParams(gemm, { size: 'small', overrides: { seed: 7, block: 64 } })).toMatchObject({ n: 256, block: 64, seed: 7 });
  });

  it('rejects bad choices with BadInputError naming the parameter', () => {
    const tr = workload('tr');
    const attempts: [() => unknown, RegExp][] = [
      [() => resolveParams(tr, { size: 'huge' }), /--size must be small, medium, large or a whole number \(sets elements\)/],
      [() => resolveParams(tr, { block: 4 }), /tr has no block size/],
      [() => resolveParams(tr, { overrides: { elemnts: 4 } }), /tr has no parameter "elemnts"; it has elements, splitEvery, delayMs, seed/],
      [() => resolveParams(tr, { overrides: { elements: 1 } }), /elements: .*>=2/],
      [() => resolveParams(tr, { overrides: { splitEvery: 2.5 } }), /splitEvery: /],
      [() => resolveParams(workload('tsqr'), { overrides: { rows: 1030, cols: 64, blockRows: 100 } }), /blockRows: every block .* needs at least cols rows/],
      [() => resolveParams(workload('svd-square'), { size: '256', block: 30 }), /block: every block .* 2l rows/],
    ];
    for (const [attempt, message] of attempts) {
      expect(attempt).toThrow(BadInputError);
      expect(attempt).toThrow(message);
    }
  });

  it('every preset of every workload is valid', () => {
    for (const w of WORKLOADS) for (const size of ['small', 'medium', 'large']) expect(() => resolveParams(w, { size })).not.toThrow();
  });
});

describe('describeParams', () => {
  it('lists each parameter with its description, default and the presets that change it', () => {
    const gemm = describeParams(workload('gemm'));
    expect(gemm.map((p) => p.name)).toEqual(['n', 'block', 'splitEvery', 'seed']);
    expect(gemm[0]).toEqual({ name: 'n', description: 'rows and columns of A, B and C', defaultValue: 1536, presets: { small: 256, large: 4096 } });
    for (const w of WORKLOADS) for (const p of describeParams(w)) expect({ name: p.name, described: p.description.length > 5, hasDefault: p.defaultValue !== undefined }).toEqual({ name: p.name, described: true, hasDefault: true });
  });
});
