"""
BLAS-class reference rates for the `aws-blas` profile's kernels that the issue's figures do not
cover: numpy on one BLAS thread, best of `repeats`, on this machine. Run as
  OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 OMP_NUM_THREADS=1 python3 bench/numpy-kernel-rates.py
Prints one JSON line per (kernel, shape) with the best ms and the rate the profile uses. Times are
CPU time of this process (time.process_time: user + system, page faults included), not wall time,
so a loaded machine (other processes on the same cores) does not inflate them.
"""
import json, sys, time
import numpy as np

repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 3
rng = np.random.default_rng(1)

def best(run):
    run()
    t = float('inf')
    for _ in range(repeats):
        t0 = time.process_time(); run(); t = min(t, time.process_time() - t0)
    return t * 1000

def emit(kernel, shape, ms, flops=None, nbytes=None):
    row = {'kernel': kernel, 'shape': shape, 'bestMs': round(ms, 3)}
    if flops: row['gflopsPerSecond'] = round(flops / ms / 1e6, 3)
    if nbytes: row['gbPerSecond'] = round(nbytes / ms / 1e6, 3)
    print(json.dumps(row), flush=True)

for n in (1000, 3000, 5000):
    a, b = rng.random((n, n)), rng.random((n, n))
    emit('elementwise', [n, n], best(lambda: a + b), nbytes=3 * a.nbytes)
    emit('random', [n, n], best(lambda: rng.random((n, n))), nbytes=a.nbytes)
    emit('copy', [n, n], best(lambda: np.ascontiguousarray(a.T)), nbytes=2 * a.nbytes)
    emit('reduce', [n, n], best(lambda: a.sum()), nbytes=a.nbytes)
for m, n in ((256, 256), (1000, 1000), (5000, 100)):
    a = rng.random((m, n))
    k = min(m, n)
    # LAPACK gesdd, thin: ~ 4 m n k + 22 k^3 flops (Golub & Van Loan's operation counts for the thin SVD).
    emit('svd', [m, n], best(lambda: np.linalg.svd(a, full_matrices=False)), flops=4 * m * n * k + 22 * k ** 3)
for m, n in ((2048, 64), (20000, 128)):
    a = rng.random((m, n))
    emit('qr', [m, n], best(lambda: np.linalg.qr(a, mode='reduced')), flops=2 * m * n * n - 2 * n ** 3 / 3)
for n in (1024,):
    a, b = rng.random((n, n)), rng.random((n, n))
    emit('matmul', [n, n], best(lambda: a @ b), flops=2 * n ** 3)
print(json.dumps({'numpy': np.__version__}))
