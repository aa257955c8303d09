import type { KernelTable } from '../kernel-rates.js';
import { PROJECT_KERNEL_RATES } from './project-rates.js';

/**
 * BLAS-class kernel rates, one BLAS thread per vCPU: what the SoCC'20 WUKONG tasks ran (numpy over
 * OpenBLAS/MKL). The `aws-blas` profile prices tasks with these, to reproduce the paper.
 *
 * Sources:
 * - matmul and qr: issue 15's figures, numpy on one 16-core x86 server, one BLAS thread: matmul
 *   36.5 GFLOP/s at n = 1,024 (2.15e9 flops) and 72.6 at n = 2,048 (1.72e10; 5,000 x 5,000 in
 *   3.1 s); thin QR with Q formed (LAPACK geqrf + orgqr, 4mn^2 - 4n^3/3 flops) 3.8 GFLOP/s at
 *   2,048 x 64 (3.32e7 flops) and 1.2 at 131,072 x 128 (8.59e9).
 * - the rest: numpy 2.4.6 (scipy-openblas 0.3.31, one thread) on this project's build machine
 *   (AMD EPYC, 2 vCPUs), CPU time best of 5, by `OPENBLAS_NUM_THREADS=1 python3
 *   bench/numpy-kernel-rates.py 5` on 2026-12-05 (load average 17, hence CPU time): `a + b`
 *   3,000^2 10.1 GB/s over the 3 arrays; `rng.random` 5,000^2 2.31 GB/s; transposed copy
 *   5,000^2 3.21 GB/s over read + write; `np.linalg.svd` thin 256^2 33.7 GFLOP/s and 1,000^2 44.5
 *   (4mnk + 22k^3 flops). The same run measured qr at 4.2 (2,048 x 64) and 1.6 GFLOP/s (20,000 x
 *   128), consistent with the figures.
 * - matmul's memory rate (a thin product streams its big operand): the elementwise rate, assumed.
 * - overheadMs 0.05: one numpy call's dispatch and allocation, an assumption (tens of microseconds).
 * Per vCPU as measured: lambdaVcpuFactor 1 (a Lambda vCPU taken as one such core; not measured).
 */
export const BLAS_KERNEL_RATES: KernelTable = {
  source: "BLAS-class rates (numpy, one BLAS thread): matmul and qr from issue 15's figures, the rest measured with bench/numpy-kernel-rates.py (see src/cost/kernels/blas-rates.ts)",
  lambdaVcpuFactor: 1,
  kernels: {
    matmul: {
      gflopsPerSecond: [
        { flops: 2 * 1024 ** 3, gflopsPerSecond: 36.5 },
        { flops: 2 * 2048 ** 3, gflopsPerSecond: 72.6 },
      ],
      gbPerSecond: 10.1,
      overheadMs: 0.05,
      source: 'issue 15: numpy, one BLAS thread; memory rate assumed = elementwise',
    },
    qr: {
      gflopsPerSecond: [
        { flops: 4 * 2048 * 64 ** 2 - (4 * 64 ** 3) / 3, gflopsPerSecond: 3.8 },
        { flops: 4 * 131_072 * 128 ** 2 - (4 * 128 ** 3) / 3, gflopsPerSecond: 1.2 },
      ],
      overheadMs: 0.05,
      source: 'issue 15: numpy.linalg.qr reduced, one BLAS thread',
    },
    svd: {
      gflopsPerSecond: [
        { flops: 26 * 256 ** 3, gflopsPerSecond: 33.7 },
        { flops: 26 * 1000 ** 3, gflopsPerSecond: 44.5 },
      ],
      overheadMs: 0.05,
      source: 'bench/numpy-kernel-rates.py: numpy.linalg.svd thin',
    },
    elementwise: { gbPerSecond: 10.1, overheadMs: 0.05, source: 'bench/numpy-kernel-rates.py: a + b, 3,000^2' },
    copy: { gbPerSecond: 3.21, overheadMs: 0.05, source: 'bench/numpy-kernel-rates.py: ascontiguousarray(a.T), 5,000^2' },
    random: { gbPerSecond: 2.31, overheadMs: 0.05, source: 'bench/numpy-kernel-rates.py: default_rng().random, 5,000^2' },
    fill: { gbPerSecond: 10.1, overheadMs: 0.05, source: 'assumed: a write pass at the elementwise rate' },
    // The table ops run in DuckDB whichever profile prices the matrix kernels: the project's rate.
    table: { gbPerSecond: PROJECT_KERNEL_RATES.kernels.table!.gbPerSecond!, source: PROJECT_KERNEL_RATES.kernels.table!.source! },
    default: { gflopsPerSecond: 36.5, gbPerSecond: 10.1, overheadMs: 0.05, source: 'a kernel not listed: the small-matmul and elementwise rates' },
  },
};
