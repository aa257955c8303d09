/**
 * Throughput of the matrix.matmul kernel (blocked, 4x4 register-tiled i-k-j) on seeded square
 * blocks, and of the textbook i-j-k loop for comparison.
 *
 *   npm run build && node dist/bench/matmul.js [--sizes 500,1000,2000] [--repeats 3] [--naive 500]
 *
 * GFLOP/s = 2 n^3 / seconds, from the best of `repeats` timed runs after one warm-up run (the
 * warm-up lets V8 optimize the kernel; the best run is the least disturbed by other processes).
 * Single-threaded: a task gets one core.
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import type { MatrixBlock } from '../src/data/value.js';
import { matmul, matmulNaive, maxRelativeDifference, randomMatrix } from '../src/ops/matrix/kernels/index.js';

interface Timing {
  readonly bestMs: number;
  readonly gflops: number;
}

function time(n: number, repeats: number, multiply: (a: MatrixBlock, b: MatrixBlock) => MatrixBlock): Timing {
  const a = randomMatrix(n, n, 1);
  const b = randomMatrix(n, n, 2);
  multiply(a, b);
  let bestMs = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r += 1) {
    const startMs = performance.now();
    multiply(a, b);
    bestMs = Math.min(bestMs, performance.now() - startMs);
  }
  return { bestMs, gflops: (2 * n ** 3) / (bestMs / 1000) / 1e9 };
}

function row(label: string, n: number, timing: Timing): string {
  return `${label.padEnd(8)} ${String(n).padStart(5)}  ${timing.bestMs.toFixed(1).padStart(9)} ms  ${timing.gflops.toFixed(2).padStart(6)} GFLOP/s`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '500,1000,2000' },
      repeats: { type: 'string', default: '3' },
      naive: { type: 'string', default: '500' },
    },
  });
  const sizes = values.sizes.split(',').map(Number);
  const repeats = Number(values.repeats);
  const naiveN = Number(values.naive);

  // Sanity first: a benchmark of a wrong kernel is worthless.
  const check = maxRelativeDifference(matmul(randomMatrix(97, 61, 3), randomMatrix(61, 83, 4)), matmulNaive(randomMatrix(97, 61, 3), randomMatrix(61, 83, 4)));
  if (check > 1e-12) throw new Error(`blocked kernel disagrees with the naive loop by ${check}`);

  console.log(`matmul, Float64 row-major, node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; best of ${repeats} after 1 warm-up`);
  console.log('kernel       n       time          rate');
  const blockedBySize = new Map<number, Timing>();
  for (const n of sizes) {
    const timing = time(n, repeats, matmul);
    blockedBySize.set(n, timing);
    console.log(row('blocked', n, timing));
  }
  const naive = time(naiveN, Math.min(repeats, 2), matmulNaive);
  console.log(row('naive', naiveN, naive));
  const blocked = blockedBySize.get(naiveN) ?? time(naiveN, repeats, matmul);
  console.log(`blocked is ${(naive.bestMs / blocked.bestMs).toFixed(1)}x faster than naive i-j-k at n=${naiveN}`);
}

main();
