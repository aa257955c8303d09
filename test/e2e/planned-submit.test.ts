import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunReportSchema } from '../../src/report/run-report.js';

/** The planned path as a user takes it: `plan -o`, then `submit` the annotated DAG; or `submit --planner`. */
const CLI = join(process.cwd(), 'bin/wukong.js');
const GEMM = join(process.cwd(), 'workloads/examples/gemm-2x2.json');

function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 180_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('planned runs from the CLI (e2e)', () => {
  it('submits an annotated DAG written by `wukong plan`: planned mode, the plan is followed', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-planned-'));
    const annotated = join(dir, 'annotated.json');
    const reportFile = join(dir, 'report.json');
    expect(wukong(['plan', GEMM, '--planner', 'heft', '--max-workers', '3', '-o', annotated]).code).toBe(0);
    // Act
    const run = wukong(['submit', annotated, '--workers', '2', '--report', reportFile, '--json']);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = RunReportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8')));
    expect(report.planner).toBe('heft');
    const plan = (JSON.parse(readFileSync(annotated, 'utf8')) as { plan: { tasks: Record<string, { worker: number }> } }).plan;
    const ran = report.executors.flatMap((e) => e.tasks.filter((t) => !t.dup).map((t) => [t.taskId, e.worker] as const));
    expect(ran.length).toBe(Object.keys(plan.tasks).length);
    for (const [taskId, worker] of ran) expect(worker).toBe(plan.tasks[taskId]?.worker);
  });

  it('plans on submit with --planner, and refuses a second plan for an annotated DAG (exit 2)', () => {
    // Prepare
    const dir = mkdtempSync(join(tmpdir(), 'wk-planned-'));
    const annotated = join(dir, 'annotated.json');
    const reportFile = join(dir, 'report.json');
    // Act
    const planned = wukong(['submit', GEMM, '--planner', 'uniform', '--workers', '2', '--report', reportFile, '--json']);
    expect(wukong(['plan', GEMM, '--planner', 'uniform', '-o', annotated]).code).toBe(0);
    const twice = wukong(['submit', annotated, '--planner', 'heft']);
    // Assess
    expect(planned.code).toBe(0);
    expect(RunReportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8'))).planner).toBe('uniform');
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('already holds a plan');
    expect(twice.stderr).not.toMatch(/^\s+at /m);
  });

  it('a second replay is planned from the first run\'s history', () => {
    // Prepare: one run records its history.
    const dir = mkdtempSync(join(tmpdir(), 'wk-history-'));
    const history = join(dir, 'metadata');
    const empty = join(dir, 'empty');
    const dag = join(dir, 'gemm.json');
    const first = wukong(['replay', 'gemm', '--size', 'small', '--workers', '2', '--metadata', history, '--save-dag', dag, '--json']);
    expect(first.code).toBe(0);
    // Act
    const fromHistory = JSON.parse(wukong(['plan', dag, '--planner', 'uniform', '--metadata', history, '--json']).stdout) as { predicted: { makespanMs: number } };
    const fromNothing = JSON.parse(wukong(['plan', dag, '--planner', 'uniform', '--metadata', empty, '--json']).stdout) as { predicted: { makespanMs: number } };
    const stats = JSON.parse(wukong(['metadata', 'stats', '--metadata', history, '--json']).stdout) as { taskKeys?: unknown[]; tasks?: unknown };
    const second = wukong(['replay', 'gemm', '--size', 'small', '--workers', '2', '--metadata', history, '--planner', 'uniform', '--json']);
    // Assess: the history changes the forecast, stats show it, and the planned second run verifies.
    expect(fromHistory.predicted.makespanMs).not.toBe(fromNothing.predicted.makespanMs);
    expect(JSON.stringify(stats)).toContain('matrix.matmul|');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ ok: true, verification: { ok: true } });
  });

  it('refuses an annotated DAG whose plan names unknown tiers or workers (exit 2, nothing run or written)', () => {
    // Prepare: a valid plan, then damaged two ways.
    const dir = mkdtempSync(join(tmpdir(), 'wk-planned-bad-'));
    const annotated = join(dir, 'annotated.json');
    expect(wukong(['plan', GEMM, '--planner', 'uniform', '-o', annotated]).code).toBe(0);
    const good = JSON.parse(readFileSync(annotated, 'utf8')) as { plan: { tasks: Record<string, { worker: number }>; workers: Record<string, { memoryMb: number; vcpu: number }> } };
    const badTier = structuredClone(good);
    for (const worker of Object.values(badTier.plan.workers)) Object.assign(worker, { memoryMb: 2000, vcpu: 1.131 });
    const unknownWorker = structuredClone(good);
    const someTask = Object.keys(unknownWorker.plan.tasks)[0]!;
    unknownWorker.plan.tasks[someTask]!.worker = 4242;
    const cases: [string, object, RegExp][] = [
      ['bad-tier.json', badTier, /2000/],
      ['unknown-worker.json', unknownWorker, /4242/],
    ];
    for (const [name, content, message] of cases) {
      const file = join(dir, name);
      writeFileSync(file, JSON.stringify(content));
      const report = join(dir, `${name}.report.json`);
      // Act
      const run = wukong(['submit', file, '--report', report, '--metadata', join(dir, 'metadata')]);
      // Assess
      expect({ name, code: run.code }).toEqual({ name, code: 2 });
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/^\s+at /m);
      expect(existsSync(report)).toBe(false);
    }
    expect(existsSync(join(dir, 'metadata'))).toBe(false);
  });
});
