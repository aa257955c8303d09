import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WORKLOADS } from '../../workloads/index.js';

/** Runs the CLI as a user would: the built bin, a child process, real files. */
function wukong(args: string[], cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 120_000, cwd, env: { ...process.env, WUKONG_HOME: cwd } });
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
  it('after one embedded run, simulates the DAG with the fitted local profile; --history lets the same tasks be priced from history', () => {
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
    expect(result.taskCosts).toMatch(/^tasks: 31 from op cost models at profile local's kernel rates/);
    // Recorded run times are positive, so the critical path (and the makespan) is too.
    expect(result.makespanMs).toBeGreaterThan(0);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/simulated\s+virtual time: profile local/);
    expect(text.stdout).toMatch(/task costs\s+tasks: 31 from op cost models/);
    const withHistory = wukong(['simulate', dag, '--profile', 'local', '--metadata', metadata, '--history', metadata, '--workers', '2', '--json']);
    expect(withHistory.code, withHistory.stderr).toBe(0);
    expect((JSON.parse(withHistory.stdout) as SimulationJson).taskCosts).toMatch(/^tasks: 31 from history of .*metadata \(same task key only\)/);
  });

  it('simulate and bench --mode sim give identical results with a junk .wukong/metadata and an empty directory (issue 15 item 3)', () => {
    // Prepare: one directory whose default history holds records of this very DAG (whose run times
    // differ from any cost model), one empty.
    const junk = tempDir();
    const empty = tempDir();
    const dag = join(process.cwd(), 'workloads/examples/tree-reduction-16.json');
    expect(wukong(['submit', dag, '--workers', '2', '--metadata', join(junk, '.wukong/metadata')], junk).code).toBe(0);
    expect(existsSync(join(junk, '.wukong/metadata/tasks.jsonl'))).toBe(true);
    // Act
    const simulateIn = (cwd: string) => JSON.parse(wukong(['simulate', dag, '--profile', 'aws-blas', '--json'], cwd).stdout) as SimulationJson;
    const benchIn = (cwd: string) => wukong(['bench', '--mode', 'sim', '--sim-size', 'small', '--workloads', 'tr', '--planners', 'wukong', '--json'], cwd);
    const [a, b] = [simulateIn(junk), simulateIn(empty)];
    const [c, d] = [benchIn(junk), benchIn(empty)];
    // Assess
    expect(a.makespanMs).toBe(b.makespanMs);
    expect(a.costUsd).toBe(b.costUsd);
    expect(a.taskCosts).toBe(b.taskCosts);
    expect(a.taskCosts).not.toMatch(/history/);
    expect(c.code, c.stderr).toBe(0);
    const measures = (out: string) => (JSON.parse(out) as { modes: { sim: { measures: unknown[]; notes: string[] } } }).modes.sim;
    expect(measures(c.stdout).measures).toEqual(measures(d.stdout).measures);
    expect(measures(c.stdout).notes.join('\n')).toMatch(/task costs: tasks: \d+ from op cost models at profile aws/);
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
