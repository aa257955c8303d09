"""
How numpy's BLAS/LAPACK kernels scale with threads (the `aws-blas` profile's per-kernel
`parallelEfficiency`, src/cost/kernels/blas-rates.ts). Runs each kernel with OPENBLAS_NUM_THREADS=1
and =T (T = this machine's cores, default 2) in child processes, alternating, and prints one JSON
line per kernel with two estimates of the speed-up s and the efficiency e = (s - 1) / (T - 1)
(speed-up on v vCPUs = 1 + (v - 1) e):

- wall: best wall-clock time at 1 thread over best at T threads. Right on a quiet machine only: a
  core busy with another process slows the T-thread call at once.
- busiest thread: best CPU time at 1 thread over the CPU time of the busiest thread at T threads
  (/proc/self/task/*/schedstat, time on a CPU). That is what the call would take if every thread had
  a core to itself, whatever else runs: a thread waiting for a CPU is not counted, while OpenBLAS's
  idle threads spin inside a call, so a thread waiting for a slower partner is. Contention can only
  add spinning, so on a busy machine it is a lower bound of the speed-up (conservative).

Run as
  python3 bench/numpy-thread-scaling.py [repeats] [threads]
and check `uptime` (the script prints the load average before and after).
"""
import json, os, subprocess, sys

KERNELS = {
    # name: (setup, statement, flops)
    # A thin product as tsqr's Q updates run it (2,048 x 64 by 64 x 64): small calls pay thread start-up.
    'matmul 2048x64 @ 64x64': ('a = rng.random((2048, 64)); b = rng.random((64, 64))', 'a @ b', 2 * 2048 * 64 * 64),
    'matmul 1024^2': ('a = rng.random((1024, 1024)); b = rng.random((1024, 1024))', 'a @ b', 2 * 1024 ** 3),
    'matmul 2048^2': ('a = rng.random((2048, 2048)); b = rng.random((2048, 2048))', 'a @ b', 2 * 2048 ** 3),
    'qr 2048x64': ("a = rng.random((2048, 64))", "np.linalg.qr(a, mode='reduced')", 4 * 2048 * 64 ** 2 - 4 * 64 ** 3 / 3),
    'qr 131072x128': ("a = rng.random((131072, 128))", "np.linalg.qr(a, mode='reduced')", 4 * 131072 * 128 ** 2 - 4 * 128 ** 3 / 3),
    'svd 1000^2': ('a = rng.random((1000, 1000))', 'np.linalg.svd(a, full_matrices=False)', 26 * 1000 ** 3),
    'elementwise 3000^2': ('a = rng.random((3000, 3000)); b = rng.random((3000, 3000))', 'a + b', None),
}

# Timed calls per child process (after one warm-up), best taken: more chances of a quiet moment.
INNER = 3

CHILD = """
import glob, json, time
import numpy as np
rng = np.random.default_rng(1)
def on_cpu_ns():
    out = {{}}
    for path in glob.glob('/proc/self/task/*/schedstat'):
        with open(path) as f: out[path] = int(f.read().split()[0])
    return out
{setup}
t0 = time.perf_counter(); {stmt}; first = time.perf_counter() - t0
# Short calls are timed in batches of >= 50 ms: schedstat's CPU time moves at scheduler ticks.
batch = max(1, int(0.05 / max(first, 1e-6)))
wall = busiest = float('inf')
for _ in range({inner}):
    before = on_cpu_ns(); t0 = time.perf_counter()
    for _ in range(batch): {stmt}
    elapsed = time.perf_counter() - t0; after = on_cpu_ns()
    wall = min(wall, elapsed / batch)
    busiest = min(busiest, max(after[k] - before.get(k, 0) for k in after) / 1e9 / batch)
print(json.dumps([wall * 1000, busiest * 1000]))
"""

def run_once(name, threads):
    setup, stmt, _ = KERNELS[name]
    env = dict(os.environ, OPENBLAS_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads), OMP_NUM_THREADS=str(threads))
    out = subprocess.run([sys.executable, '-c', CHILD.format(setup=setup, stmt=stmt, inner=INNER)], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip())

def main():
    repeats = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    threads = int(sys.argv[2]) if len(sys.argv) > 2 else (os.cpu_count() or 2)
    only = sys.argv[3].split(',') if len(sys.argv) > 3 else list(KERNELS)
    print(json.dumps({'loadavg': os.getloadavg(), 'threads': threads, 'repeats': repeats}), flush=True)
    for name in only:
        flops = KERNELS[name][2]
        w1 = wT = b1 = bT = float('inf')
        for _ in range(repeats):
            w, b = run_once(name, 1)
            w1, b1 = min(w1, w), min(b1, b)
            w, b = run_once(name, threads)
            wT, bT = min(wT, w), min(bT, b)
        s_wall, s_busy = w1 / wT, b1 / bT
        row = {'kernel': name, 'wallMs1': round(w1, 2), f'wallMs{threads}': round(wT, 2), 'cpuMs1': round(b1, 2), f'busiestThreadMs{threads}': round(bT, 2),
               'speedupWall': round(s_wall, 3), 'efficiencyWall': round((s_wall - 1) / (threads - 1), 3),
               'speedupBusiest': round(s_busy, 3), 'efficiencyBusiest': round((s_busy - 1) / (threads - 1), 3)}
        if flops: row['gflops1'] = round(flops / b1 / 1e6, 2)
        print(json.dumps(row), flush=True)
    print(json.dumps({'loadavg': os.getloadavg()}), flush=True)

if __name__ == '__main__':
    main()
