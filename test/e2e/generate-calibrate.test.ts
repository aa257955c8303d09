import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';
import { parseCostProfile } from '../../src/cost/profile.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';

const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-gen-cal-'));

describe('wukong generate and calibrate (issue 15 items 2 and 4)', () => {
  it('generate writes a paper-size DAG without running it; simulate takes it under aws-blas', () => {
    const dag = join(tempDir(), 'tr.json');
    const generated = runWukong(['generate', 'tr', '--param', 'elements=1024', '--delay-ms', '500', '-o', dag]);
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toMatch(/2047 tasks/);
    const tasks = (JSON.parse(readFileSync(dag, 'utf8')) as { tasks: { op: string; args?: { delayMs?: number } }[] }).tasks;
    expect(tasks.filter((t) => t.op === 'matrix.add' && t.args?.delayMs === 500)).toHaveLength(1023);
    const sim = runWukong(['simulate', dag, '--profile', 'aws-blas', '--json']);
    expect(sim.code, sim.stderr).toBe(0);
    const result = JSON.parse(sim.stdout) as { makespanMs: number; taskCosts: string };
    // Ten levels of 500 ms waits at least.
    expect(result.makespanMs).toBeGreaterThan(5000);
    expect(result.taskCosts).toMatch(/2047 from op cost models at profile aws-blas/);
  });

  it('generate: an unknown workload or a bad parameter is bad input', () => {
    expect(runWukong(['generate', 'nope']).code).toBe(2);
    expect(runWukong(['generate', 'tr', '--param', 'elements=x']).code).toBe(2);
  });

  it('calibrate --base names a built-in profile: an unknown one is exit 2 before any measuring, nothing written', () => {
    const file = join(tempDir(), 'rates.json');
    const started = Date.now();
    // Without --quick: the full calibration (minutes) must not start.
    const run = runWukong(['calibrate', '--base', 'nosuch', '-o', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--base "nosuch" is no built-in profile; built-in profiles: aws, aws-blas, deterministic/);
    expect(run.stderr).not.toMatch(/ms CPU/); // no sample was measured
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(existsSync(file)).toBe(false);
  });

  it('calibrate --quick writes a profile with measured positive rates that simulate accepts', () => {
    const file = join(tempDir(), 'rates.json');
    const run = runWukong(['calibrate', '--quick', '--repeat', '1', '-o', file]);
    expect(run.code, run.stderr).toBe(0);
    const profile = parseCostProfile(JSON.parse(readFileSync(file, 'utf8')));
    expect(profile.name).toBe('aws-calibrated');
    const kernels = profile.kernels?.kernels ?? {};
    for (const name of ['matmul', 'qr', 'svd', 'elementwise', 'copy', 'random', 'fill', 'default']) expect(kernels[name], name).toBeDefined();
    expect(kernels.elementwise?.gbPerSecond).toBeGreaterThan(0);
    expect(profile.kernels?.source).toMatch(/wukong calibrate --quick --repeat 1/);
    const sim = runWukong(['simulate', 'workloads/examples/gemm-2x2.json', '--profile', file, '--json']);
    expect(sim.code, sim.stderr).toBe(0);
  });
});
