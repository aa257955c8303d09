/**
 * Throughput of matrix.matmul (the WebAssembly SIMD kernel), of the plain-JavaScript blocked kernel
 * it replaced, and of numpy with one BLAS thread when python3 has numpy, in one run.
 *
 *   npm run build && node dist/bench/matmul.js [--sizes 512,1024,2048] [--repeats 3] [--naive 500] [--tiny]
 *
 * GFLOP/s = 2 n^3 / seconds, from the best of `repeats` timed runs after one warm-up run (the
 * warm-up lets V8 optimize the kernel; the best run is the least disturbed by other processes).
 * Single-threaded: a task gets one core. --tiny runs n = 64 once (a smoke test for CI).
 */
import { cpus } from 'node:os';
import { matrix, type MatrixBlock } from '../src/data/value.js';
import { matmul, matmulBlockedJs, matmulNaive, maxRelativeDifference, randomMatrix } from '../src/ops/matrix/kernels/index.js';
import { timeNumpy } from './numpy-reference.js';
import { parseBenchArgs, positiveInt, positiveIntList } from './bench-args.js';

function bestMs(n: number, repeats: number, multiply: (a: MatrixBlock, b: MatrixBlock) => MatrixBlock): number {
  const a = randomMatrix(n, n, 1);
  const b = randomMatrix(n, n, 2);
  multiply(a, b);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r += 1) {
    const startMs = performance.now();
    multiply(a, b);
    best = Math.min(best, performance.now() - startMs);
  }
  return best;
}

const gflops = (n: number, ms: number): number => (2 * n ** 3) / (ms / 1000) / 1e9;
const cell = (n: number, ms: number | undefined): string => (ms === undefined ? '-'.padStart(20) : `${ms.toFixed(1).padStart(8)} ms ${gflops(n, ms).toFixed(2).padStart(6)} GF/s`);

function main(): void {
  const { values } = parseBenchArgs(
    'Throughput of matrix.matmul (the WebAssembly SIMD kernel), of the plain-JavaScript blocked kernel it replaced, and of numpy with one BLAS thread when python3 has numpy, in one run.',
    {
      options: {
        sizes: { type: 'string', default: '512,1024,2048' },
        repeats: { type: 'string', default: '3' },
        naive: { type: 'string', default: '500' },
        tiny: { type: 'boolean', default: false },
      },
    },
  );
  const sizes = values.tiny ? [64] : positiveIntList(values.sizes, '--sizes');
  const repeats = values.tiny ? 1 : positiveInt(values.repeats, '--repeats');
  const naiveN = values.tiny ? 64 : positiveInt(values.naive, '--naive');

  // Sanity first: a benchmark of a wrong kernel is worthless.
  const a = randomMatrix(97, 61, 3);
  const b = randomMatrix(61, 83, 4);
  const check = Math.max(maxRelativeDifference(matmul(a, b), matmulNaive(a, b)), maxRelativeDifference(matmulBlockedJs(a, b, matrix(97, 83)), matmulNaive(a, b)));
  if (check > 1e-12) throw new Error(`a blocked kernel disagrees with the naive loop by ${check}`);

  console.log(`matmul, Float64 row-major, node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; best of ${repeats} after 1 warm-up, one thread`);
  const numpy = timeNumpy('matmul', sizes.map((n) => [n, n] as const), repeats);
  console.log(`    n  ${'wasm simd (ours)'.padEnd(20)}  ${'js blocked (before)'.padEnd(20)}  ${`numpy ${numpy?.version ?? '(absent)'}`.padEnd(20)}  ours/numpy time`);
  sizes.forEach((n, index) => {
    const ours = bestMs(n, repeats, matmul);
    const js = bestMs(n, repeats, (x, y) => matmulBlockedJs(x, y, matrix(x.rows, y.cols)));
    const np = numpy?.bestMs[index];
    const ratio = np === undefined ? '-' : `${(ours / np).toFixed(2)}x`;
    console.log(`${String(n).padStart(5)}  ${cell(n, ours)}  ${cell(n, js)}  ${cell(n, np)}  ${ratio}`);
  });
  const naive = bestMs(naiveN, Math.min(repeats, 2), matmulNaive);
  const ours = bestMs(naiveN, repeats, matmul);
  console.log(`naive i-j-k at n=${naiveN}: ${naive.toFixed(1)} ms; ours is ${(naive / ours).toFixed(1)}x faster`);
}

main();
