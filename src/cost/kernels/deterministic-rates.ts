import type { KernelTable } from '../kernel-rates.js';

/**
 * Round rates for tests whose run times are computed by hand: 1 GFLOP/s (1e6 flops per ms) and
 * 1 GB/s (1e6 bytes per ms) for every kernel, no overhead.
 */
export const DETERMINISTIC_KERNEL_RATES: KernelTable = {
  source: 'deterministic: 1 GFLOP/s and 1 GB/s for every kernel, no overhead (for tests)',
  lambdaVcpuFactor: 1,
  kernels: { default: { gflopsPerSecond: 1, gbPerSecond: 1 } },
};
