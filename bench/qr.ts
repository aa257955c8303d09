/**
 * Throughput of matrix.qr (blocked Householder, WY form, trailing updates on the WebAssembly GEMM)
 * beside numpy.linalg.qr(mode='reduced') with one BLAS thread when python3 has numpy, in one run.
 *
 *   npm run build && node dist/bench/qr.js [--shapes 2048x64,8192x64,1024x256] [--repeats 5] [--tiny]
 *
 * GFLOP/s counts the LAPACK flops of a thin QR that also forms Q (geqrf + orgqr):
 * 4 m n^2 - 4 n^3 / 3, the same for both, from the best of `repeats` runs after one warm-up.
 */
import { cpus } from 'node:os';
import { qr, randomMatrix } from '../src/ops/matrix/kernels/index.js';
import { timeNumpy } from './numpy-reference.js';
import { parseBenchArgs, positiveInt, usageError } from './bench-args.js';

const flops = (m: number, n: number): number => 4 * m * n * n - (4 * n ** 3) / 3;
const cell = (m: number, n: number, ms: number | undefined): string =>
  ms === undefined ? '-'.padStart(20) : `${ms.toFixed(2).padStart(8)} ms ${(flops(m, n) / (ms / 1000) / 1e9).toFixed(2).padStart(6)} GF/s`;

function bestMs(m: number, n: number, repeats: number): number {
  const a = randomMatrix(m, n, 7);
  qr(a);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < repeats; r += 1) {
    const startMs = performance.now();
    qr(a);
    best = Math.min(best, performance.now() - startMs);
  }
  return best;
}

function main(): void {
  const { values } = parseBenchArgs(
    "Throughput of matrix.qr (blocked Householder, WY form, trailing updates on the WebAssembly GEMM) beside numpy.linalg.qr(mode='reduced') with one BLAS thread when python3 has numpy, in one run.",
    {
      options: {
        shapes: { type: 'string', default: '2048x64,8192x64,1024x256' },
        repeats: { type: 'string', default: '5' },
        tiny: { type: 'boolean', default: false },
      },
    },
  );
  const shapes = (values.tiny ? '64x16' : values.shapes).split(',').map((text) => {
    const [m, n] = text.split('x').map(Number);
    if (!Number.isInteger(m) || !Number.isInteger(n) || m! < n!) usageError(`--shapes: expected MxN with M >= N, got ${text}`);
    return [m!, n!] as const;
  });
  const repeats = values.tiny ? 1 : positiveInt(values.repeats, '--repeats');
  console.log(`thin QR with Q formed, Float64, node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}; best of ${repeats} after 1 warm-up, one thread`);
  const numpy = timeNumpy('qr', shapes, repeats);
  console.log(`${'shape'.padStart(10)}  ${'blocked WY (ours)'.padEnd(20)}  ${`numpy ${numpy?.version ?? '(absent)'}`.padEnd(20)}  ours/numpy time`);
  shapes.forEach(([m, n], index) => {
    const ours = bestMs(m, n, repeats);
    const np = numpy?.bestMs[index];
    console.log(`${`${m}x${n}`.padStart(10)}  ${cell(m, n, ours)}  ${cell(m, n, np)}  ${np === undefined ? '-' : `${(ours / np).toFixed(2)}x`}`);
  });
}

main();
