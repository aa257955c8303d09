/**
 * Times numpy (one BLAS thread) on the same shapes as our kernels, in the same benchmark run, so
 * figures are compared side by side. Returns null when python3 or numpy is missing.
 *
 * OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are dropped for this one child process only (some machines
 * set them to work around old OpenBLAS builds; they slow a current numpy), and
 * OPENBLAS_NUM_THREADS=1 (and the MKL/OMP equivalents) pin it to the one core our kernels get.
 */
import { spawnSync } from 'node:child_process';

export type NumpyKernel = 'matmul' | 'qr';

const SCRIPT = `
import json, sys, time
import numpy as np
kind, repeats, shapes = sys.argv[1], int(sys.argv[2]), json.loads(sys.argv[3])
rng = np.random.default_rng(1)
out = []
for m, n in shapes:
    if kind == 'matmul':
        a, b = rng.random((m, m)) - 0.5, rng.random((m, m)) - 0.5
        run = lambda: a @ b
    else:
        a = rng.random((m, n)) - 0.5
        run = lambda: np.linalg.qr(a, mode='reduced')
    run()
    best = float('inf')
    for _ in range(repeats):
        t0 = time.perf_counter(); run(); best = min(best, time.perf_counter() - t0)
    out.append(best * 1000)
print(json.dumps({'version': np.__version__, 'bestMs': out}))
`;

export interface NumpyTimings {
  readonly version: string;
  /** Best wall time per shape, in the order given. */
  readonly bestMs: readonly number[];
}

/** Best-of-`repeats` milliseconds per [rows, cols] shape (matmul: square rows x rows), or null without numpy. */
export function timeNumpy(kind: NumpyKernel, shapes: readonly (readonly [number, number])[], repeats: number): NumpyTimings | null {
  const env: NodeJS.ProcessEnv = { ...process.env, OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1', OMP_NUM_THREADS: '1' };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const result = spawnSync('python3', ['-c', SCRIPT, kind, String(repeats), JSON.stringify(shapes)], { env, encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) {
    const reason = result.error ? String(result.error) : (result.stderr.trim().split('\n').pop() ?? 'failed');
    process.stdout.write(`numpy: not measured (${reason})\n`);
    return null;
  }
  return JSON.parse(result.stdout) as NumpyTimings;
}
