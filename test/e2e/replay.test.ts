import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DagSpecSchema } from '../../src/model/dag-schema.js';
import { ReplayReportSchema } from '../../workloads/replay-report.js';

/** Runs the CLI as a user would: the built bin (npm run build first), a child process, real files. */
const CLI = join(process.cwd(), 'bin/wukong.js');

function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('wukong replay (e2e)', () => {
  for (const workload of ['tr', 'gemm', 'tsqr', 'svd', 'svd-square', 'svc']) {
    it(`${workload} --size small runs on the embedded backend and verifies`, () => {
      // Act
      const run = wukong(['replay', workload, '--size', 'small', '--workers', '2', '--json']);
      // Assess
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const summary = JSON.parse(run.stdout) as { ok: boolean; workload: string; tasks: number; medianMakespanMs: number; verification: { ok: boolean; checks: { ok: boolean }[] } };
      expect(summary).toMatchObject({ ok: true, workload, verification: { ok: true } });
      expect(summary.tasks).toBeGreaterThan(10);
      expect(summary.medianMakespanMs).toBeGreaterThan(0);
      expect(summary.verification.checks.length).toBeGreaterThanOrEqual(2);
      expect(summary.verification.checks.every((c) => c.ok)).toBe(true);
    });
  }

  it('prints a human summary, saves the DAG, writes the report, and checks that repeats agree', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-replay-'));
    const dagFile = join(dir, 'tr.json');
    const reportFile = join(dir, 'report.json');
    // Act
    const run = wukong(['replay', 'tr', '--size', '16', '--delay-ms', '20', '--repeat', '2', '--workers', '2', '--save-dag', dagFile, '--report', reportFile]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok: tr-16-split2-delay20ms/);
    expect(run.stdout).toMatch(/median [\d.]+ ms over 2 runs/);
    expect(run.stdout).toMatch(/ok {3}repeats returned identical outputs/);
    expect(run.stdout).toMatch(/verdict: PASS\n$/);
    const dag = DagSpecSchema.parse(JSON.parse(readFileSync(dagFile, 'utf8')));
    expect(dag.tasks).toHaveLength(31);
    const report = ReplayReportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8')));
    expect(report).toMatchObject({ workload: 'tr', tasks: 31, ok: true, params: { elements: 16, delayMs: 20 } });
    expect(report.runs).toHaveLength(2);
    expect(report.makespansMs).toEqual(report.runs.map((r) => r.makespanMs));
    // Four levels of 20 ms sleeps lie on the critical path.
    for (const makespan of report.makespansMs) expect(makespan).toBeGreaterThanOrEqual(80);
  });

  it('--cache with --repeat warns on stderr that repeats read cached results, and runs as before', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-replay-cache-'));
    const cache = join(dir, 'rc');
    // Act
    const run = wukong(['replay', 'tr', '--size', '16', '--repeat', '2', '--workers', '2', '--no-metadata', '--cache', cache]);
    // Assess
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/^wukong: warning: --cache with --repeat 2: repeats after the first read the results cached/);
    expect(run.stdout).toMatch(/median [\d.]+ ms over 2 runs/);
    // One run with a cache measures what it says: no warning.
    expect(wukong(['replay', 'tr', '--size', '16', '--workers', '2', '--no-metadata', '--cache', cache]).stderr).toBe('');
  });

  it('--list prints every workload with its parameters and task-count formula', () => {
    const run = wukong(['replay', '--list']);
    expect(run.code).toBe(0);
    for (const name of ['tr', 'gemm', 'tsqr', 'svd', 'svd-square', 'svc', 'pipeline']) expect(run.stdout).toMatch(new RegExp(`^${name} - `, 'm'));
    expect(run.stdout).toMatch(/^ {2}tasks: N leaves \+ \(N - 1\) reductions/m);
    expect(run.stdout).toMatch(/small 127, medium 2047/);
    const listed = JSON.parse(wukong(['replay', '--list', '--json']).stdout) as { name: string; params: unknown[] }[];
    expect(listed.map((w) => w.name)).toEqual(['tr', 'gemm', 'tsqr', 'svd', 'svd-square', 'svc', 'pipeline']);
  });

  it('exits 1 and shows the failed check when verification fails', () => {
    // Four training samples for one round cannot reach the accuracy threshold.
    const run = wukong(['replay', 'svc', '--size', 'small', '--param', 'samples=4', '--param', 'rounds=1', '--workers', '2']);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL held-out accuracy: 0\.\d+ >= 0\.95/);
    expect(run.stdout).toMatch(/verdict: FAIL/);
    expect(run.stderr).toMatch(/svc: verification failed: held-out accuracy/);
    noStackTrace(run.stderr);
  });

  it('exits 2 on bad input without running or writing anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-replay-bad-'));
    const attempts: [string[], RegExp][] = [
      [['replay', 'gemn'], /unknown workload "gemn" \(did you mean gemm\?\)/],
      [['replay'], /name a workload/],
      [['replay', 'gemm', '--size', 'enormous'], /--size must be small, medium, large/],
      [['replay', 'gemm', '--delay-ms', '5'], /--delay-ms applies to tr only/],
      [['replay', 'tsqr', '--param', 'cols=64', '--block', '32'], /blockRows: every block/],
      [['replay', 'tr', '--param', 'elements'], /--param must be name=number/],
      [['replay', 'tr', '--delay-ms', '5', '--param', 'delayMs=7'], /give --delay-ms or --param delayMs=\.\.\., not both/],
      [['replay', 'tr', '--param', 'elements=64', '--param', 'elements=128'], /--param elements is given twice/],
      [['replay', 'gemm', '--block', '2', '--param', 'block=4'], /give --block or --param block=\.\.\., not both/],
      [['replay', 'tr', '--planner', 'magic'], /unknown planner "magic"/],
    ];
    for (const [args, message] of attempts) {
      const run = wukong([...args, '--save-dag', join(dir, 'dag.json'), '--report', join(dir, 'report.json')]);
      expect({ args, code: run.code }).toEqual({ args, code: 2 });
      expect(run.stderr).toMatch(message);
      noStackTrace(run.stderr);
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
