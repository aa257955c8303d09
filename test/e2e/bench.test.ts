import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the CLI as a user would: the built bin, a child process, real files. */
function wukong(args: string[], timeoutMs = 120_000) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: timeoutMs });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);
const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-bench-'));

interface BenchJson {
  version: number;
  baseline: string;
  modes: Record<
    string,
    {
      notes: string[];
      measures: {
        workload: string;
        variant: string;
        makespanMs: number;
        costUsd: number;
        invocations: number;
        verified: boolean | null;
        makespanOverLowerBound: number | null;
        lowerBoundMs: number | null;
        cpuMs: number;
        peakWorkerMemoryBytes: number;
        storageBytes: number;
        offCriticalPathTransferMs: number | null;
      }[];
      relative: Record<string, Record<string, { makespanRatio: number; costRatio: number }>>;
      verdict: { met: boolean; planners: { variant: string }[] };
      bestWukong?: Record<string, string>;
      verdictAgainstBestWukong?: { met: boolean; planners: { variant: string }[] };
      ablations?: { workload: string; variant: string; annotation: string; planned: number; fired: number; makespanMs: number; offMakespanMs: number }[];
    }
  >;
}

describe('wukong bench (e2e)', () => {
  it('--mode sim, small sizes: tr at 0 and 500 ms per task, wukong vs uniform; tables, --md and the verdict', () => {
    // Prepare
    const md = join(tempDir(), 'bench.md');
    // Act
    const run = wukong(['bench', '--mode', 'sim', '--sim-size', 'small', '--workloads', 'tr', '--planners', 'wukong,uniform', '--no-metadata', '--md', md]);
    // Assess
    noStackTrace(run.stderr);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/== Simulated \(aws profile\) ==/);
    expect(run.stdout).toMatch(/^tr\s+wukong\s+[\d.]+m?s/m);
    expect(run.stdout).toMatch(/^tr-500ms\s+uniform\s+[\d.]+m?s/m);
    expect(run.stdout).toMatch(/^wukong\s+1\.00x \/ 1\.00x\s+1\.00x \/ 1\.00x\s+1\.00x \/ 1\.00x$/m);
    expect(run.stdout).toMatch(/^uniform\s+[\d.]+x \/ [\d.]+x/m);
    expect(run.stdout).toMatch(/^verdict: goal (MET|NOT met)/m);
    const markdown = readFileSync(md, 'utf8');
    expect(markdown).toMatch(/^### Simulated \(aws profile\)/m);
    expect(markdown).toMatch(/^\| workload \| variant \| makespan \|/m);
    expect(markdown).toMatch(/^\| uniform \| [\d.]+x \/ [\d.]+x \|/m);
  });

  it('--mode sim --json: every measure, the ratios to wukong and the verdict; same input, same numbers', () => {
    const args = ['bench', '--mode', 'sim', '--sim-size', 'small', '--workloads', 'tr', '--planners', 'uniform', '--no-metadata', '--json'];
    const first = wukong(args);
    expect(first.code).toBe(0);
    const parsed = JSON.parse(first.stdout) as BenchJson;
    const sim = parsed.modes.sim!;
    // wukong, the baseline, runs though --planners did not name it.
    expect(sim.measures.map((m) => `${m.workload}/${m.variant}`)).toEqual(['tr/wukong', 'tr/uniform', 'tr-500ms/wukong', 'tr-500ms/uniform']);
    for (const m of sim.measures) {
      expect(m.makespanMs).toBeGreaterThan(0);
      expect(m.costUsd).toBeGreaterThan(0);
      // No ratio against a sub-millisecond bound (tr's sums); otherwise never below the bound.
      if (m.lowerBoundMs !== null && m.lowerBoundMs >= 1) expect(m.makespanOverLowerBound).toBeGreaterThanOrEqual(1);
      else expect(m.makespanOverLowerBound).toBeNull();
      expect(m.verified).toBeNull();
    }
    const [wukongTr, uniformTr] = sim.measures;
    expect(sim.relative.uniform!.tr!.makespanRatio).toBeCloseTo(uniformTr!.makespanMs / wukongTr!.makespanMs, 10);
    expect(sim.verdict.planners.map((p) => p.variant)).toEqual(['uniform']);
    // The thesis's metrics: tr-500ms sleeps 500 ms in each of its 7 reductions (small: 8 elements).
    const delayed = sim.measures.find((m) => m.workload === 'tr-500ms' && m.variant === 'wukong')!;
    expect(delayed.cpuMs).toBeGreaterThanOrEqual(7 * 500);
    expect(delayed.peakWorkerMemoryBytes).toBeGreaterThan(0);
    expect(delayed.offCriticalPathTransferMs).toBeGreaterThanOrEqual(0);
    // Only wukong ran of the WUKONG variants: it is the best one of each workload.
    expect(sim.bestWukong).toEqual({ tr: 'wukong', 'tr-500ms': 'wukong' });
    expect(sim.verdictAgainstBestWukong?.planners.map((p) => p.variant)).toEqual(['uniform']);
    // Each planner's plan with each annotation switched off, per workload.
    expect(sim.ablations?.map((a) => `${a.workload}/${a.variant}/${a.annotation}`)).toEqual([
      'tr/uniform/prewarm',
      'tr/uniform/dup',
      'tr/uniform/preload',
      'tr-500ms/uniform/prewarm',
      'tr-500ms/uniform/dup',
      'tr-500ms/uniform/preload',
    ]);
    for (const a of sim.ablations ?? []) if (a.planned === 0) expect(a.offMakespanMs).toBe(a.makespanMs);
    const second = JSON.parse(wukong(args).stdout) as BenchJson;
    expect(second.modes.sim!.measures).toEqual(sim.measures);
  });

  it('--mode embedded: gemm small with wukong, wukong-none and uniform runs for real, verified, recording history', () => {
    // Prepare
    const dir = tempDir();
    const metadata = join(dir, 'metadata');
    // Act
    const run = wukong(['bench', '--mode', 'embedded', '--workloads', 'gemm', '--planners', 'wukong,wukong-none,uniform', '--repeat', '1', '--metadata', metadata, '--json'], 300_000);
    // Assess
    noStackTrace(run.stderr);
    expect(run.code).toBe(0);
    const embedded = (JSON.parse(run.stdout) as BenchJson).modes.embedded!;
    expect(embedded.measures.map((m) => m.variant)).toEqual(['wukong', 'wukong-none', 'uniform']);
    for (const m of embedded.measures) {
      expect(m.workload).toBe('gemm');
      expect(m.verified).toBe(true);
      expect(m.invocations).toBeGreaterThan(0);
    }
    expect(Object.keys(embedded.relative)).toEqual(['wukong', 'wukong-none', 'uniform']);
    expect(existsSync(metadata)).toBe(true);
  });

  it.each([
    [['--workloads', 'tr,matmul'], /--workloads: unknown workload "matmul"/],
    [['--planners', 'heft,magic'], /--planners: unknown variant "magic"/],
    [['--mode', 'cloud'], /--mode must be sim, embedded or both; got "cloud"/],
    [['--mode', 'embedded', '--embedded-size', 'paper'], /--embedded-size must be small, medium; got "paper"/],
    [['--repeat', '0'], /--repeat must be at least 1/],
  ])('bad flags %j: exit 2, a one-line error, nothing run', (flags, message) => {
    const run = wukong(['bench', '--no-metadata', ...flags]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
    noStackTrace(run.stderr);
  });
});
