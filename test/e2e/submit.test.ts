import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../src/data/codec.js';
import { RunReportSchema } from '../../src/report/run-report.js';
import { BAD_SHAPES_DAG } from '../helpers/failing-dags.js';

/** Runs the CLI as a user would: the built bin, a child process, real files. */
function wukong(args: string[], cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('wukong submit (e2e)', () => {
  it('runs the GEMM example, prints a summary, writes the report and the outputs', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-submit-'));
    const report = join(dir, 'run.json');
    const out = join(dir, 'out');
    // Act
    const run = wukong(['submit', 'workloads/examples/gemm-2x2.json', '--report', report, '--output-dir', out, '--workers', '2']);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok: gemm-2x2/);
    expect(run.stdout).toMatch(/makespan\s+[\d.]+ ms/);
    expect(run.stdout).toMatch(/est\. Lambda cost \$[\d.]+ = [\d.]+ GB-s x \$0\.0000166667/);
    const parsed = RunReportSchema.parse(JSON.parse(readFileSync(report, 'utf8')));
    expect(parsed.ok).toBe(true);
    expect(parsed.summary.tasks).toBe(parsed.tasks.length);
    const spec = JSON.parse(readFileSync('workloads/examples/gemm-2x2.json', 'utf8')) as { tasks: unknown[]; outputs?: string[] };
    expect(parsed.summary.tasks).toBe(spec.tasks.length);
    for (const task of parsed.tasks) expect(task.endAt).toBeGreaterThanOrEqual(task.startAt);
    const files = readdirSync(out).sort();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const value = decodeValue(new Uint8Array(readFileSync(join(out, file))));
      expect(value.kind).toBe('matrix');
      expect(tableFromIPC(readFileSync(join(out, file))).numRows).toBeGreaterThan(0);
    }
  });

  it('--json prints one JSON object with the summary keys', () => {
    const run = wukong(['submit', 'workloads/examples/diamond.json', '--json', '--wukong-opts', 'none']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as Record<string, unknown>;
    for (const key of ['makespanMs', 'tasks', 'executors', 'invocations', 'bytesWritten', 'bytesRead', 'costUsd']) expect(summary).toHaveProperty(key);
    expect(summary.tasks).toBe(4);
  });

  it('--json on an invalid DAG prints { ok: false, problems } as validate --json does (exit 2, nothing run)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-bad-'));
    const file = join(dir, 'cycle.json');
    writeFileSync(file, JSON.stringify({ tasks: [{ id: 'a', op: 'synthetic.work', deps: ['b'] }, { id: 'b', op: 'synthetic.work', deps: ['a'] }] }));
    const run = wukong(['submit', file, '--json', '--no-metadata']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const answer = JSON.parse(run.stdout) as { ok: boolean; problems: { code: string; taskIds: string[] }[] };
    expect(answer).toEqual(JSON.parse(wukong(['validate', file, '--json']).stdout));
    expect(answer.ok).toBe(false);
    expect(answer.problems.map((p) => p.code)).toContain('cycle');
  });

  it('a failing op fails the run with exit 1, naming the task and the error', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-fail-'));
    const file = join(dir, 'bad-shapes.json');
    writeFileSync(file, JSON.stringify(BAD_SHAPES_DAG));
    const run = wukong(['submit', file, '--report', join(dir, 'run.json')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task c \(op matrix\.matmul\) failed/);
    noStackTrace(run.stderr);
    expect(run.stdout).not.toMatch(/^ok:/m);
    const report = RunReportSchema.parse(JSON.parse(readFileSync(join(dir, 'run.json'), 'utf8')));
    expect(report.ok).toBe(false);
  });

  it('bad input exits 2 without running anything', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-bad-'));
    const file = join(dir, 'cycle.json');
    writeFileSync(file, JSON.stringify({ tasks: [{ id: 'a', op: 'synthetic.work', deps: ['b'] }, { id: 'b', op: 'synthetic.work', deps: ['a'] }] }));
    const run = wukong(['submit', file, '--report', join(dir, 'run.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cycle/);
    noStackTrace(run.stderr);
    expect(readdirSync(dir)).toEqual(['cycle.json']);
    expect(wukong(['submit', 'workloads/examples/diamond.json', '--wukong-opts', 'fanout']).code).toBe(2);
    expect(wukong(['submit', 'workloads/examples/diamond.json', '--workers', '0']).code).toBe(2);
  });
});
