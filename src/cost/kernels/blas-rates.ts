import type { KernelTable } from '../kernel-rates.js';
import { PROJECT_KERNEL_RATES } from './project-rates.js';

/**
 * BLAS-class kernel rates, per vCPU at one BLAS thread, and how the threaded kernels scale: what
 * the SoCC'20 WUKONG tasks ran (numpy over OpenBLAS/MKL). The `aws-blas` profile prices tasks with
 * these, to reproduce the paper.
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
 * Above one vCPU the threaded kernels (matmul, qr, svd) speed up by their parallel efficiency (below).
 */
/*
 * Parallel efficiency e of the threaded kernels: on a tier of v vCPUs (Lambda: memoryMb / 1,769, at
 * most 6) the kernel runs 1 + (v - 1) e times faster than on one (kernel-rates.ts, profile.ts
 * computeSlowdown). numpy's BLAS (matmul) and LAPACK (qr, svd) calls use every core OpenBLAS sees;
 * its elementwise ops, copies, fills and random numbers run on one thread, so they declare none.
 * Measured with `python3 bench/numpy-thread-scaling.py 3 2` on 2026-12-06 (this project's build
 * machine, AMD EPYC, 2 vCPUs, numpy 2.4.6 over scipy-openblas 0.3.31), five runs between 19:45 and
 * 20:21 UTC. Other processes kept the load average at 6-12 except at 20:12 (0.6, rising to 2.8 by
 * the end of that run), so: the wall-clock ratio of that quiet run where it is clean, else the
 * median of the busiest-thread estimates (CPU time at 1 thread against the busiest thread's at 2,
 * which leaves out waits for a core; it counts spinning behind a descheduled partner, so it erred
 * low under load: qr 131,072 x 128 0.26-0.36 busy against 0.64 quiet; and it misses time threads
 * sleep before being woken):
 *   matmul 2,048 x 64 by 64 x 64 (0.4 ms, tsqr's small Q updates) 0 (wall-clock -0.04 at load 1.7,
 *   busiest-thread 0.50 but it misses thread wake-ups, which dominate a call this short);
 *   matmul 1,024^2 0.965 (quiet wall-clock; busiest-thread 0.82-0.93 under load); 2,048^2 1 (quiet
 *   wall-clock 1.025 and busiest-thread 1.04, capped at 1; 0.93-0.99 under load); qr 2,048 x 64 0
 *   (two threads slower in every run: -0.14 to -0.30); qr 131,072 x 128 0.63 (quiet wall-clock
 *   0.633, busiest-thread 0.638); svd thin 1,000^2 0.35 (busiest-thread 0.29-0.44, median 0.35;
 *   its wall-clock ratio, taken as the load rose to 2.8, was 0.80-0.84, two threads slower:
 *   unresolved); elementwise a + b 3,000^2 none (quiet wall-clock -0.06, busiest-thread -0.08 to
 *   -0.15: one thread, as numpy runs it).
 * Above 2 vCPUs the linear form is an extrapolation (no larger machine was available): the loss of
 * a BLAS-3 call is per-thread work (packing, synchronisation) rather than a serial section, which a
 * constant e per added vCPU describes (matmul's e = 1 at 5.79 vCPUs is surely optimistic); for LAPACK's serial panel factorizations (qr, svd) Amdahl's
 * law would predict less at 5.79 vCPUs (svd: 1.75x instead of 2.68x), so their figures there are
 * optimistic. One point cannot tell the two forms apart at 2 vCPUs.
 */
const MATMUL_THIN_2048X64_EFFICIENCY = 0;
const MATMUL_1024_EFFICIENCY = 0.965;
const MATMUL_2048_EFFICIENCY = 1;
const QR_2048X64_EFFICIENCY = 0;
const QR_131072X128_EFFICIENCY = 0.63;
const SVD_1000_EFFICIENCY = 0.35;

export const BLAS_KERNEL_RATES: KernelTable = {
  source: "BLAS-class rates (numpy, one BLAS thread): matmul and qr from issue 15's figures, the rest measured with bench/numpy-kernel-rates.py; matmul, qr and svd threaded over the tier's vCPUs at the efficiencies of bench/numpy-thread-scaling.py (see src/cost/kernels/blas-rates.ts)",
  lambdaVcpuFactor: 1,
  kernels: {
    matmul: {
      gflopsPerSecond: [
        { flops: 2 * 1024 ** 3, gflopsPerSecond: 36.5 },
        { flops: 2 * 2048 ** 3, gflopsPerSecond: 72.6 },
      ],
      gbPerSecond: 10.1,
      overheadMs: 0.05,
      parallelEfficiency: [
        { flops: 2 * 2048 * 64 * 64, efficiency: MATMUL_THIN_2048X64_EFFICIENCY },
        { flops: 2 * 1024 ** 3, efficiency: MATMUL_1024_EFFICIENCY },
        { flops: 2 * 2048 ** 3, efficiency: MATMUL_2048_EFFICIENCY },
      ],
      source: 'issue 15: numpy, one BLAS thread; memory rate assumed = elementwise; threads: bench/numpy-thread-scaling.py',
    },
    qr: {
      gflopsPerSecond: [
        { flops: 4 * 2048 * 64 ** 2 - (4 * 64 ** 3) / 3, gflopsPerSecond: 3.8 },
        { flops: 4 * 131_072 * 128 ** 2 - (4 * 128 ** 3) / 3, gflopsPerSecond: 1.2 },
      ],
      overheadMs: 0.05,
      parallelEfficiency: [
        { flops: 4 * 2048 * 64 ** 2 - (4 * 64 ** 3) / 3, efficiency: QR_2048X64_EFFICIENCY },
        { flops: 4 * 131_072 * 128 ** 2 - (4 * 128 ** 3) / 3, efficiency: QR_131072X128_EFFICIENCY },
      ],
      source: 'issue 15: numpy.linalg.qr reduced, one BLAS thread; threads: bench/numpy-thread-scaling.py',
    },
    svd: {
      gflopsPerSecond: [
        { flops: 26 * 256 ** 3, gflopsPerSecond: 33.7 },
        { flops: 26 * 1000 ** 3, gflopsPerSecond: 44.5 },
      ],
      overheadMs: 0.05,
      parallelEfficiency: SVD_1000_EFFICIENCY,
      source: 'bench/numpy-kernel-rates.py: numpy.linalg.svd thin; threads: bench/numpy-thread-scaling.py',
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
