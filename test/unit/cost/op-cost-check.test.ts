import { describe, expect, it } from 'vitest';
import { opCostProblem } from '../../../src/cost/op-cost-check.js';
import type { KernelTable } from '../../../src/cost/kernel-rates.js';
import { AWS_PROFILE } from '../../../src/cost/profile.js';

const aws = AWS_PROFILE.kernels as KernelTable;

describe('opCostProblem: what a cost declaration may answer', () => {
  it('accepts every OpCost field with finite amounts >= 0, a built-in kernel, or a kernel the table names', () => {
    expect(opCostProblem({ flops: 0, bytesRead: 1, bytesWritten: 2, bytes: 3, cpuMs: 4, waitMs: 5, sourceBytes: 6, kernel: 'elementwise' }, aws)).toBeUndefined();
    expect(opCostProblem({}, aws)).toBeUndefined();
    // `synthetic` is a built-in kernel the aws table does not list (default prices it).
    expect(opCostProblem({ kernel: 'synthetic' }, aws)).toBeUndefined();
    const mine: KernelTable = { ...aws, kernels: { ...aws.kernels, 'my-fft': { gflopsPerSecond: 3 } } };
    expect(opCostProblem({ kernel: 'my-fft', flops: 1 }, mine)).toBeUndefined();
  });

  it('refuses what is not an object, amounts that are negative, NaN, infinite or not numbers, unknown fields and kernels', () => {
    expect(opCostProblem(42, aws)).toMatch(/returned 42; it must return an object/);
    expect(opCostProblem(null, aws)).toMatch(/returned null/);
    expect(opCostProblem([1], aws)).toMatch(/returned an array/);
    expect(opCostProblem({ flops: -1 }, aws)).toMatch(/flops: -1; an amount of work must be a finite number >= 0/);
    expect(opCostProblem({ waitMs: Number.NaN }, aws)).toMatch(/waitMs: NaN/);
    expect(opCostProblem({ bytes: Number.POSITIVE_INFINITY }, aws)).toMatch(/bytes: Infinity/);
    expect(opCostProblem({ cpuMs: '5' }, aws)).toMatch(/cpuMs: "5"/);
    expect(opCostProblem({ flop: 1 }, aws)).toMatch(/unknown field "flop"/);
    expect(opCostProblem({ kernel: 'nonexistent' }, aws)).toMatch(/kernel "nonexistent", which is neither a built-in kernel nor one this profile's rate table names/);
    expect(opCostProblem({ kernel: 3 }, aws)).toMatch(/kernel: 3; a kernel is a name/);
  });
});
