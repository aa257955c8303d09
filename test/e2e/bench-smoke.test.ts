import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs a built benchmark (dist/bench, made by `npm run build` before the tests) at its tiny size. */
function bench(name: string, args: string[], timeoutMs = 120_000) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'dist/bench', `${name}.js`), ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('benchmarks at their tiny sizes (smoke: they run and print their tables)', () => {
  it('matmul --tiny: the WebAssembly kernel, the JS kernel and numpy (or why not) side by side', () => {
    const run = bench('matmul', ['--tiny']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+64\s+[\d.]+ ms\s+[\d.]+ GF\/s\s+[\d.]+ ms\s+[\d.]+ GF\/s/m);
    expect(run.stdout).toMatch(/numpy (\d+\.\d+|\(absent\))/);
  });

  it('qr --tiny: the blocked WY QR beside numpy (or why not)', () => {
    const run = bench('qr', ['--tiny']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\s+64x16\s+[\d.]+ ms\s+[\d.]+ GF\/s/m);
  });

  it('overhead --tiny --no-dask: per-task overhead of chain, fan and tree', () => {
    const run = bench('overhead', ['--tiny', '--no-dask', '--workers', '2']);
    expect(run.code).toBe(0);
    for (const shape of ['chain', 'fan', 'tree']) expect(run.stdout).toMatch(new RegExp(`^${shape}\\s+\\d+\\s+\\d+ ms\\s+[\\d.]+ us`, 'm'));
  });

  it('scaling --tiny: makespan and speedup at 1 and 2 threads for tr, gemm and tsqr, results verified', () => {
    const run = bench('scaling', ['--tiny'], 300_000);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    for (const workload of ['tr', 'gemm', 'tsqr']) expect(run.stdout).toMatch(new RegExp(`^${workload}\\s+\\d+\\s+[\\d.]+ s\\s+1\\.00x`, 'm'));
  }, 300_000);
});
