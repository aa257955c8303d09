import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKLOADS } from '../../workloads/index.js';

/** Runs the CLI as a user would: the built bin, a child process, real files. */
function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);
const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-sim-local-'));

interface SimulationJson {
  ok: boolean;
  simulated: boolean;
  profile: string;
  tasks: number;
  makespanMs: number;
  costUsd: number;
  taskCosts: string;
}

describe('wukong simulate --profile local (e2e)', () => {
  it('after one embedded run, simulates the DAG with the fitted local profile and the history', () => {
    // Prepare: one recorded embedded run.
    const metadata = join(tempDir(), 'metadata');
    const dag = 'workloads/examples/tree-reduction-16.json';
    const submitted = wukong(['submit', dag, '--metadata', metadata, '--workers', '2']);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(existsSync(join(metadata, 'tasks.jsonl'))).toBe(true);
    // Act
    const run = wukong(['simulate', dag, '--profile', 'local', '--metadata', metadata, '--workers', '2', '--json']);
    const text = wukong(['simulate', dag, '--profile', 'local', '--metadata', metadata]);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as SimulationJson;
    expect(result).toMatchObject({ ok: true, simulated: true, profile: 'local', tasks: 31, costUsd: 0 });
    expect(result.taskCosts).toMatch(/^history of .*metadata \(31 task records\)$/);
    // Recorded run times are positive, so the critical path (and the makespan) is too.
    expect(result.makespanMs).toBeGreaterThan(0);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/simulated\s+virtual time: profile local/);
    expect(text.stdout).toMatch(/task costs\s+history of .*\(31 task records\)/);
  });

  it('--metadata alone gives history-backed task costs under another profile; --no-metadata the DAG alone', () => {
    const metadata = join(tempDir(), 'metadata');
    expect(wukong(['submit', 'workloads/examples/diamond.json', '--metadata', metadata]).code).toBe(0);
    const withHistory = JSON.parse(wukong(['simulate', 'workloads/examples/diamond.json', '--profile', 'deterministic', '--metadata', metadata, '--json']).stdout) as SimulationJson;
    const withoutHistory = JSON.parse(wukong(['simulate', 'workloads/examples/diamond.json', '--profile', 'deterministic', '--no-metadata', '--json']).stdout) as SimulationJson;
    expect(withHistory).toMatchObject({ ok: true, profile: 'deterministic', tasks: 4 });
    expect(withHistory.taskCosts).toMatch(/history of .*\(4 task records\)/);
    expect(withoutHistory.taskCosts).toBe('DAG args and hints (no task history)');
  });

  it('no history, --no-metadata, or --workers without the local profile: exit 2 with the reason', () => {
    const empty = join(tempDir(), 'empty');
    const cases: [string[], RegExp][] = [
      [['simulate', 'workloads/examples/diamond.json', '--profile', 'local', '--metadata', empty], /local profile is fitted from metadata of embedded runs, and .*empty has none/],
      [['simulate', 'workloads/examples/diamond.json', '--profile', 'local', '--no-metadata'], /cannot be used with --no-metadata/],
      [['simulate', 'workloads/examples/diamond.json', '--workers', '2', '--no-metadata'], /--workers describes the embedded pool of --profile local/],
      [['simulate', 'workloads/examples/diamond.json', '--metadata', 'ftp://x/y'], /only redis:\/\/ and rediss:\/\/ URLs, or a directory/],
    ];
    for (const [args, message] of cases) {
      const run = wukong(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      noStackTrace(run.stderr);
    }
  });
});

describe('wukong simulate on every replay workload (e2e)', () => {
  it.each(WORKLOADS.map((w) => w.name))('%s: the DAG replay --save-dag writes simulates on the aws profile', (name) => {
    // Prepare: replay writes the generated DAG, then runs it (small, so quickly).
    const dag = join(tempDir(), `${name}.json`);
    const replayed = wukong(['replay', name, '--size', 'small', '--save-dag', dag]);
    expect(replayed.code, replayed.stderr).toBe(0);
    // Act
    const run = wukong(['simulate', dag, '--no-metadata', '--json']);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as SimulationJson;
    expect(result).toMatchObject({ ok: true, simulated: true, profile: 'aws' });
    expect(result.tasks).toBe((JSON.parse(readFileSync(dag, 'utf8')) as { tasks: unknown[] }).tasks.length);
    expect(result.makespanMs).toBeGreaterThan(0);
  });
});
