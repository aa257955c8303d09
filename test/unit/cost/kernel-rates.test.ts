import { describe, expect, it } from 'vitest';
import { efficiencyAt, gflopsAt, priceOpCost, type KernelTable } from '../../../src/cost/kernel-rates.js';
import { AWS_BLAS_PROFILE, BUILTIN_PROFILES, parseCostProfile } from '../../../src/cost/profile.js';

const table: KernelTable = {
  source: 'test',
  lambdaVcpuFactor: 1,
  kernels: {
    matmul: { gflopsPerSecond: [{ flops: 1e6, gflopsPerSecond: 1 }, { flops: 1e8, gflopsPerSecond: 3 }], gbPerSecond: 1, overheadMs: 0.5 },
    default: { gflopsPerSecond: 2, gbPerSecond: 4 },
  },
};

describe('kernel rates', () => {
  it('interpolates a flop rate in log(flops), flat beyond the points', () => {
    const points = table.kernels.matmul?.gflopsPerSecond as { flops: number; gflopsPerSecond: number }[];
    expect(gflopsAt(points, 1e3)).toBe(1);
    expect(gflopsAt(points, 1e7)).toBeCloseTo(2, 10);
    expect(gflopsAt(points, 1e12)).toBe(3);
  });

  it('prices the slower of arithmetic and memory traffic, plus overhead and cpuMs; waits apart', () => {
    // 1e8 flops at 3 GFLOP/s = 33.3 ms; 1e6 bytes at 1 GB/s = 1 ms: arithmetic bounds it.
    expect(priceOpCost({ kernel: 'matmul', flops: 1e8, bytesRead: 1e6 }, table).computeMs).toBeCloseTo(0.5 + 100 / 3, 6);
    // 1e6 flops at 1 GFLOP/s = 1 ms; 1e8 bytes at 1 GB/s = 100 ms: memory bounds it.
    expect(priceOpCost({ kernel: 'matmul', flops: 1e6, bytesRead: 5e7, bytesWritten: 5e7 }, table).computeMs).toBeCloseTo(100.5, 6);
    const unknown = priceOpCost({ kernel: 'mystery', flops: 2e6, cpuMs: 3, waitMs: 7 }, table);
    expect(unknown).toEqual({ computeMs: 1 + 3, waitMs: 7, kernel: 'default', threadedMs: 0, parallelEfficiency: 0 });
  });

  it("prices work of a kind the named kernel has no rate for at default's rate, and default must have both", () => {
    const bytesOnly: KernelTable = { ...table, kernels: { ...table.kernels, elementwise: { gbPerSecond: 8 } } };
    // 1e12 flops at default's 2 GFLOP/s: 500 s (before: the kernel has no flop rate, so 0 ms).
    expect(priceOpCost({ kernel: 'elementwise', flops: 1e12 }, bytesOnly).computeMs).toBeCloseTo(500_000, 6);
    // An ordinary pass stays bounded by its bytes at the kernel's own rate: 8e6 bytes at 8 GB/s = 1 ms.
    expect(priceOpCost({ kernel: 'elementwise', flops: 1e6 / 3, bytesRead: 8e6 }, bytesOnly).computeMs).toBeCloseTo(1, 6);
    const flopsOnly: KernelTable = { ...table, kernels: { ...table.kernels, qr: { gflopsPerSecond: 100 } } };
    // 4e6 bytes at default's 4 GB/s = 1 ms beats 1e6 flops at 100 GFLOP/s = 0.01 ms.
    expect(priceOpCost({ kernel: 'qr', flops: 1e6, bytesRead: 4e6 }, flopsOnly).computeMs).toBeCloseTo(1, 6);
    expect(() => parseCostProfile({ ...BUILTIN_PROFILES.aws, kernels: { source: 'x', lambdaVcpuFactor: 1, kernels: { default: { gbPerSecond: 1 } } } })).toThrow(/default needs both gflopsPerSecond and gbPerSecond/);
  });

  it('a Lambda vCPU factor below 1 slows every computed kernel, not the overhead or the wait', () => {
    const slow = { ...table, lambdaVcpuFactor: 0.5 };
    expect(priceOpCost({ kernel: 'default', flops: 2e6, waitMs: 5 }, slow)).toEqual({ computeMs: 2, waitMs: 5, kernel: 'default', threadedMs: 0, parallelEfficiency: 0 });
  });

  it('every built-in profile names its rates and their source; aws-blas prices 5k matmul near numpy (3.1 s)', () => {
    for (const profile of Object.values(BUILTIN_PROFILES)) expect(profile.kernels?.source.length).toBeGreaterThan(0);
    const ms = priceOpCost({ kernel: 'matmul', flops: 2 * 5000 ** 3 }, AWS_BLAS_PROFILE.kernels as KernelTable).computeMs;
    expect(ms).toBeGreaterThan(3000);
    expect(ms).toBeLessThan(3600);
  });

  it('a profile file may extend aws-blas and override one kernel; a table without default is refused', () => {
    const p = parseCostProfile({ extends: 'aws-blas', name: 'mine', kernels: { kernels: { copy: { gbPerSecond: 1 } } } });
    expect(p.kernels?.kernels.copy?.gbPerSecond).toBe(1);
    expect(p.kernels?.kernels.matmul).toBeDefined();
    expect(() => parseCostProfile({ extends: 'aws', kernels: { source: 'x', lambdaVcpuFactor: 1, kernels: { copy: { gbPerSecond: 1 } } } })).not.toThrow();
    expect(() => parseCostProfile({ ...BUILTIN_PROFILES.aws, kernels: { source: 'x', lambdaVcpuFactor: 1, kernels: { copy: { gbPerSecond: 1 } } } })).toThrow(/default/);
  });

  it('a threaded kernel declares its parallel efficiency by work size; only its roofline part is threaded', () => {
    const threaded: KernelTable = { ...table, kernels: { ...table.kernels, qr: { gflopsPerSecond: 1, overheadMs: 0.5, parallelEfficiency: [{ flops: 1e6, efficiency: 0.2 }, { flops: 1e8, efficiency: 0.8 }] } } };
    const points = threaded.kernels.qr?.parallelEfficiency as { flops: number; efficiency: number }[];
    expect(efficiencyAt(points, 1e3)).toBe(0.2);
    expect(efficiencyAt(points, 1e7)).toBeCloseTo(0.5, 10);
    expect(efficiencyAt(points, 1e12)).toBe(0.8);
    // 1e7 flops at 1 GFLOP/s = 10 ms threaded; the 0.5 ms overhead and 2 ms cpuMs stay on one thread.
    expect(priceOpCost({ kernel: 'qr', flops: 1e7, cpuMs: 2 }, threaded)).toEqual({ computeMs: 12.5, waitMs: 0, kernel: 'qr', threadedMs: 10, parallelEfficiency: expect.closeTo(0.5, 10) as unknown as number });
    // A kernel without the field is single-threaded.
    expect(priceOpCost({ kernel: 'matmul', flops: 1e8 }, threaded).threadedMs).toBe(0);
  });

  it('aws-blas threads matmul, qr and svd; its one-thread kernels and the project (aws) kernels do not', () => {
    const blas = AWS_BLAS_PROFILE.kernels as KernelTable;
    for (const kernel of ['matmul', 'qr', 'svd']) {
      const priced = priceOpCost({ kernel, flops: 2 * 2048 ** 3 }, blas);
      expect(priced.parallelEfficiency, kernel).toBeGreaterThan(0);
      expect(priced.threadedMs, kernel).toBeGreaterThan(0);
    }
    for (const kernel of ['elementwise', 'copy', 'random', 'fill', 'table']) expect(blas.kernels[kernel]?.parallelEfficiency, kernel).toBeUndefined();
    for (const rate of Object.values(BUILTIN_PROFILES.aws?.kernels?.kernels ?? {})) expect(rate.parallelEfficiency).toBeUndefined();
    expect(() => parseCostProfile({ extends: 'aws-blas', kernels: { kernels: { matmul: { parallelEfficiency: 1.5 } } } })).toThrow(/parallelEfficiency/);
  });
});
