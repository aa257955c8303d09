import type { KernelTable } from '../kernel-rates.js';

/**
 * This project's own kernels (src/ops/matrix/kernels, TypeScript and WebAssembly), as measured by
 * `wukong calibrate --repeat 3` on this project's build machine (AMD EPYC, 2 vCPUs shared with
 * other jobs, load average 11 at the time: hence CPU time, best of 3) on 2026-12-05; the command's
 * output, pasted. Rerun `wukong calibrate -o my-rates.json` to measure your machine and pass
 * `--profile my-rates.json`.
 *
 * The `table` kernel (table ops: DuckDB, one thread, Arrow tables in and out) was measured the
 * same way on 2026-12-06 (load average 11.7) when `wukong calibrate` gained its table cases: the
 * median of a filter, a projection and a group-by at 200,000 and 1,000,000 rows, 0.135 GB/s over
 * bytes read plus written (the Arrow-to-DuckDB copies in and out dominate, not the scans).
 *
 * Lambda vCPU factor 1: a Lambda vCPU is taken to compute as fast as one core of this machine (an
 * assumption: no Lambda run is possible from here; Lambda x86 runs on EPYC/Xeon cores of similar
 * clocks).
 */
export const PROJECT_KERNEL_RATES: KernelTable = {
  "source": "measured by `wukong calibrate --repeat 3` on 2026-12-05 (the table kernel on 2026-12-06), AMD EPYC, node v20.20.2: CPU time, best of 3",
  "lambdaVcpuFactor": 1,
  "kernels": {
    "matmul": {
      "gflopsPerSecond": [
        {
          "flops": 4194304,
          "gflopsPerSecond": 5.377
        },
        {
          "flops": 33554432,
          "gflopsPerSecond": 8.493
        },
        {
          "flops": 268435456,
          "gflopsPerSecond": 12.3
        }
      ],
      "source": "matrix.matmul 128x128,128x128: 0.78 ms; matrix.matmul 256x256,256x256: 3.95 ms; matrix.matmul 512x512,512x512: 21.82 ms"
    },
    "qr": {
      "gflopsPerSecond": [
        {
          "flops": 33204906.666666668,
          "gflopsPerSecond": 0.7297
        },
        {
          "flops": 534074709.3333333,
          "gflopsPerSecond": 1.16
        }
      ],
      "source": "matrix.qr 2048x64: 45.50 ms; matrix.qr 8192x128: 460.30 ms"
    },
    "svd": {
      "gflopsPerSecond": [
        {
          "flops": 851968,
          "gflopsPerSecond": 0.3972
        },
        {
          "flops": 6815744,
          "gflopsPerSecond": 0.652
        },
        {
          "flops": 54525952,
          "gflopsPerSecond": 0.6949
        }
      ],
      "source": "matrix.svd 32x32: 2.15 ms; matrix.svd 64x64: 10.45 ms; matrix.svd 128x128: 78.46 ms"
    },
    "elementwise": {
      "gbPerSecond": 5.698,
      "source": "matrix.add 500x500,500x500: 6.97 ms; matrix.add 1000x1000,1000x1000: 4.21 ms; matrix.add 2000x2000,2000x2000: 14.26 ms"
    },
    "copy": {
      "gbPerSecond": 2.359,
      "source": "matrix.transpose 500x500: 1.36 ms; matrix.transpose 1000x1000: 29.62 ms; matrix.transpose 2000x2000: 27.13 ms"
    },
    "random": {
      "gbPerSecond": 1.2,
      "source": "matrix.random {\"rows\":500,\"cols\":500,\"seed\":1}: 1.71 ms; matrix.random {\"rows\":1000,\"cols\":1000,\"seed\":1}: 6.67 ms; matrix.random {\"rows\":2000,\"cols\":2000,\"seed\":1}: 24.92 ms"
    },
    "fill": {
      "gbPerSecond": 10.04,
      "source": "matrix.fill {\"rows\":500,\"cols\":500,\"value\":1}: 0.17 ms; matrix.fill {\"rows\":1000,\"cols\":1000,\"value\":1}: 0.80 ms; matrix.fill {\"rows\":2000,\"cols\":2000,\"value\":1}: 3.26 ms"
    },
    "svc": {
      "gflopsPerSecond": [
        {
          "flops": 2560000,
          "gflopsPerSecond": 0.117
        },
        {
          "flops": 12800000,
          "gflopsPerSecond": 0.238
        }
      ],
      "source": "svc.train-chunk 20000x32,20000x1,1x33: 21.87 ms; svc.train-chunk 100000x32,100000x1,1x33: 53.78 ms"
    },
    "table": {
      "gbPerSecond": 0.1347,
      "source": "measured by `wukong calibrate --repeat 3` on 2026-12-06 (load average 11.7, CPU time), DuckDB 1 thread over Arrow tables in and out, GB/s over bytes read + written: table.filter 200000 rows x 4 columns: 62.22 ms; table.project 200000 rows x 4 columns: 45.65 ms; table.aggregate 200000 rows x 4 columns: 25.13 ms; table.filter 1000000 rows x 4 columns: 166.13 ms; table.project 1000000 rows x 4 columns: 270.06 ms; table.aggregate 1000000 rows x 4 columns: 99.08 ms"
    },
    "default": {
      "gbPerSecond": 5.698,
      "gflopsPerSecond": 5.377,
      "source": "elementwise memory rate and the smallest matmul rate measured"
    }
  }
};
