import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunReportSchema } from '../../src/report/run-report.js';

/** Runs the CLI as a user would: the built bin, a child process, real files. */
function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);
const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-sim-'));

describe('wukong simulate (e2e)', () => {
  it('simulates the tree reduction example, prints a summary marked simulated, writes the report', () => {
    // Prepare
    const report = join(tempDir(), 'sim.json');
    // Act
    const run = wukong(['simulate', 'workloads/examples/tree-reduction-16.json', '--report', report]);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok: tree-reduction-16 \(run sim-1\) on simulated, planner wukong/);
    expect(run.stdout).toMatch(/simulated\s+virtual time: profile aws, seed 1, 3008 MB, store redis/);
    expect(run.stdout).toMatch(/lower bound\s+[\d.]+ ms/);
    const parsed = RunReportSchema.parse(JSON.parse(readFileSync(report, 'utf8')));
    const spec = JSON.parse(readFileSync('workloads/examples/tree-reduction-16.json', 'utf8')) as { tasks: unknown[] };
    expect(parsed.backend).toBe('simulated');
    expect(parsed.ok).toBe(true);
    expect(parsed.summary.tasks).toBe(spec.tasks.length);
    expect(parsed.executors.every((e) => e.memoryMb === 3008)).toBe(true);
  });

  it('--json: one JSON object; the same seed gives the same makespan, and the flags are honoured', () => {
    const args = ['simulate', 'workloads/examples/diamond.json', '--json', '--seed', '42', '--store', 's3', '--memory-mb', '1769', '--wukong-opts', 'none'];
    const first = JSON.parse(wukong(args).stdout) as Record<string, unknown>;
    const second = JSON.parse(wukong(args).stdout) as Record<string, unknown>;
    expect(first).toMatchObject({ ok: true, simulated: true, seed: 42, store: 's3', memoryMb: 1769, profile: 'aws', tasks: 4 });
    expect(second.makespanMs).toBe(first.makespanMs);
    expect(first.costFormula).toMatch(/GB-s x \$0\.0000166667/);
  });

  it('reads a profile file that extends a built-in profile', () => {
    const dir = tempDir();
    const profile = join(dir, 'slow.json');
    writeFileSync(profile, JSON.stringify({ extends: 'deterministic', name: 'slow-cold', lambda: { coldStart: { medianMs: 5000, p90Ms: 5000 } } }));
    const slow = JSON.parse(wukong(['simulate', 'workloads/examples/diamond.json', '--json', '--profile', profile]).stdout) as { makespanMs: number; profile: string };
    const base = JSON.parse(wukong(['simulate', 'workloads/examples/diamond.json', '--json', '--profile', 'deterministic']).stdout) as { makespanMs: number };
    expect(slow.profile).toBe('slow-cold');
    expect(slow.makespanMs - base.makespanMs).toBeGreaterThanOrEqual(4900);
  });

  it('bad input exits 2 with a message and no stack trace', () => {
    const dir = tempDir();
    const badProfile = join(dir, 'bad.json');
    writeFileSync(badProfile, JSON.stringify({ extends: 'aws', lambda: { accountConcurrency: 0 } }));
    const cases: [string[], RegExp][] = [
      [['simulate', 'workloads/examples/diamond.json', '--store', 'ftp'], /--store must be redis or s3/],
      [['simulate', 'workloads/examples/diamond.json', '--profile', join(dir, 'missing.json')], /neither a built-in profile \(aws, aws-blas, deterministic, local\)/],
      [['simulate', 'workloads/examples/diamond.json', '--profile', badProfile], /lambda\.accountConcurrency/],
      [['simulate', 'workloads/examples/diamond.json', '--memory-mb', '64'], /memory must be a whole number of MB from 128 to 10240/],
      [['simulate', join(dir, 'no-such-dag.json')], /no such file/],
    ];
    for (const [args, message] of cases) {
      const run = wukong(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      noStackTrace(run.stderr);
    }
  });
});

describe('wukong simulate --slowdown in WUKONG mode (e2e)', () => {
  const DIAMOND = 'workloads/examples/diamond.json';
  const figures = (args: string[]) => {
    const run = wukong(['simulate', DIAMOND, '--json', '--profile', 'deterministic', ...args]);
    expect(run.code, run.stderr).toBe(0);
    return JSON.parse(run.stdout) as { makespanMs: number; lowerBoundMs: number; cpuMs: number; taskCosts: string };
  };

  it('--slowdown applies in WUKONG mode too: every run time scales by the factor, so the lower bound does exactly', () => {
    // Act
    const asPriced = figures([]);
    const slowed = figures(['--slowdown', '10']);
    // Assess: diamond's critical path is 70 ms of sleeps; slowed it is 700 ms, longer than the whole run as priced
    expect(asPriced.lowerBoundMs).toBeCloseTo(70, 1);
    expect(slowed.lowerBoundMs).toBeCloseTo(10 * asPriced.lowerBoundMs, 6);
    expect(slowed.cpuMs).toBeCloseTo(10 * asPriced.cpuMs, 6);
    expect(asPriced.makespanMs).toBeLessThan(slowed.lowerBoundMs);
    expect(slowed.makespanMs).toBeGreaterThanOrEqual(slowed.lowerBoundMs);
    // The output says so, where it says where task costs came from.
    expect(slowed.taskCosts).toMatch(/; every task run 10x as long \(--slowdown\)$/);
    expect(asPriced.taskCosts).not.toMatch(/--slowdown/);
  });

  it('the summary names the slowdown in planned mode too', () => {
    const run = wukong(['simulate', DIAMOND, '--profile', 'deterministic', '--planner', 'uniform', '--slowdown', '3']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^ {2}task costs {7}.*; every task run 3x as long \(--slowdown\)$/m);
  });

  it('a --slowdown that is not a positive number exits 2 in WUKONG mode too', () => {
    const run = wukong(['simulate', DIAMOND, '--slowdown', '-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('wukong: --slowdown must be a positive number, got "-1"\n');
  });
});

describe('wukong import wfcommons (e2e)', () => {
  it('converts a 1.5 instance into a DAG that validates and simulates', () => {
    // Prepare
    const dag = join(tempDir(), 'montage.json');
    // Act
    const imported = wukong(['import', 'wfcommons', 'test/fixtures/wfcommons/montage-1.5.json', '-o', dag, '--time-scale', '0.01']);
    // Assess
    expect(imported.stderr).toBe('');
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/imported montage-small: 7 tasks, 9 edges/);
    const spec = JSON.parse(readFileSync(dag, 'utf8')) as { tasks: { args: { ms: number } }[] };
    expect(spec.tasks[0]?.args.ms).toBe(64); // 6.4 s x 1,000 x 0.01
    expect(wukong(['validate', dag]).code).toBe(0);
    const simulated = JSON.parse(wukong(['simulate', dag, '--json']).stdout) as { ok: boolean; tasks: number };
    expect(simulated).toMatchObject({ ok: true, tasks: 7 });
  });

  it('a 1.4 instance converts too; a non-instance exits 2', () => {
    const dir = tempDir();
    expect(wukong(['import', 'wfcommons', 'test/fixtures/wfcommons/blast-1.4.json', '-o', join(dir, 'blast.json')]).code).toBe(0);
    const bad = wukong(['import', 'wfcommons', 'workloads/examples/diamond.json', '-o', join(dir, 'x.json')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a WfCommons WfFormat instance/);
    noStackTrace(bad.stderr);
  });
});
