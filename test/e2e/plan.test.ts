import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Dag } from '../../src/dag/dag.js';
import { AnnotatedDagSchema } from '../../src/model/annotated-dag.js';
import { DEFAULT_TIERS } from '../../src/plan/tiers.js';
import { findPlanProblems } from '../../src/plan/validate-plan.js';

/** Runs the CLI as a user would: the built bin, a child process, real files. */
function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at /m);
const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-plan-'));
const DAG = 'workloads/examples/tree-reduction-16.json';

/** The written file parses as an annotated DAG and its plan passes validatePlan. */
function readValidPlan(file: string, tiers: readonly number[] = DEFAULT_TIERS) {
  const annotated = AnnotatedDagSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  expect(findPlanProblems(Dag.fromSpec(annotated.dag), annotated.plan, { tiers })).toEqual([]);
  return annotated;
}

describe('wukong plan (e2e)', () => {
  it.each(['uniform', 'nonuniform', 'heft'])('%s: prints workers, tiers, predicted makespan and cost; writes a valid annotated DAG', (planner) => {
    const dir = tempDir();
    const out = join(dir, 'annotated.json');
    const run = wukong(['plan', DAG, '--planner', planner, '--metadata', join(dir, 'metadata'), '-o', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^plan: tree-reduction-16 by ${planner} \\(sla median, tiers ${DEFAULT_TIERS.join(', ')} MB`));
    expect(run.stdout).toMatch(/workers\s+\d+ \((\d+ x \d+ MB(, )?)+\)/);
    expect(run.stdout).toMatch(/predicted\s+makespan [\d.]+ ms, cost \$[\d.]+/);
    // An empty store is no history: the line must not credit one (an audit found it did).
    expect(run.stdout).toMatch(/costs\s+no history \(nothing recorded at .*metadata\): tasks from DAG hints and op shapes, else built-in defaults/);
    const annotated = readValidPlan(out);
    expect(annotated.plan.algorithm).toBe(planner);
    expect(annotated.plan.predicted?.makespanMs).toBeGreaterThan(0);
    if (planner === 'nonuniform') expect(run.stdout).toMatch(/saving\s+\$[\d.]+ \([\d.]+ % of uniform's cost\) vs uniform/);
  });

  it('costs line: says history only where records exist; --no-metadata says hints and defaults', () => {
    const dir = tempDir();
    const metadata = join(dir, 'metadata');
    const dag = join(dir, 'gemm.json');
    expect(wukong(['replay', 'gemm', '--size', 'small', '--metadata', metadata, '--save-dag', dag]).code).toBe(0);
    const recorded = wukong(['plan', dag, '--planner', 'uniform', '--metadata', metadata, '--json']);
    expect(recorded.code).toBe(0);
    const costs = (JSON.parse(recorded.stdout) as { costs: string }).costs;
    expect(costs).toMatch(new RegExp(`^history at ${metadata}, \\d+ records: tasks from its 20 task records`));
    expect(costs).toMatch(/transfers from its \d+ transfer records; start-ups from its \d+ start-up records$/);
    const none = wukong(['plan', dag, '--planner', 'uniform', '--no-metadata']);
    expect(none.stdout).toMatch(/costs\s+no history \(--no-metadata\): .*transfers and start-ups from built-in defaults/);
    expect(none.stdout).not.toMatch(/same history/);
  });

  it('--json with --sla, --tiers and --max-workers: one JSON object that honours them', () => {
    const dir = tempDir();
    const out = join(dir, 'heft.json');
    const run = wukong(['plan', DAG, '--planner', 'heft', '--sla', 'p90', '--tiers', '2048,1024', '--max-workers', '3', '--metadata', join(dir, 'm'), '-o', out, '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { ok: boolean; planner: string; sla: string; workers: number; workersByTier: Record<string, number>; predicted: { makespanMs: number; costUsd: number }; output: string };
    expect(summary).toMatchObject({ ok: true, planner: 'heft', sla: 'p90', tasks: 31, output: out });
    expect(summary.workers).toBeLessThanOrEqual(3);
    expect(Object.keys(summary.workersByTier).every((tier) => tier === '1024' || tier === '2048')).toBe(true);
    expect(readValidPlan(out, [1024, 2048]).plan.sla).toBe('p90');
  });

  it('--profile: tasks priced by the profile\'s op cost models, as simulate prices them, and says so', () => {
    const run = wukong(['plan', DAG, '--planner', 'uniform', '--no-metadata', '--profile', 'deterministic', '--json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { costs: string; predicted: { makespanMs: number } };
    expect(summary.costs).toMatch(/^profile deterministic: tasks: 31 from op cost models at profile deterministic's kernel rates/);
    expect(summary.predicted.makespanMs).toBeGreaterThan(0);
  });

  it('wukong: no plan; -o gets the DAG itself', () => {
    const out = join(tempDir(), 'dag.json');
    const run = wukong(['plan', DAG, '--planner', 'wukong', '-o', out]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/planner wukong makes no plan/);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(JSON.parse(readFileSync(DAG, 'utf8')));
  });

  it('runs the example custom planner from its path', () => {
    const dir = tempDir();
    const out = join(dir, 'rr.json');
    const run = wukong(['plan', DAG, '--planner', './workloads/planners/round-robin.js', '--metadata', join(dir, 'm'), '-o', out]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/by round-robin/);
    expect(run.stdout).toMatch(/workers\s+4 \(4 x 1769 MB\)/);
    expect(readValidPlan(out).plan.algorithm).toBe('round-robin');
  });

  it('a planner returning an invalid plan: exit 2, the problems named, nothing written', () => {
    const dir = tempDir();
    const planner = join(dir, 'bad-planner.mjs');
    writeFileSync(planner, 'export default { name: "bad", plan(dag) { const tasks = {}; for (const id of dag.taskIds().slice(1)) tasks[id] = { worker: 1 }; return { tasks, workers: { "1": { memoryMb: 999, vcpu: 1 } } }; } };');
    const out = join(dir, 'never.json');
    const run = wukong(['plan', DAG, '--planner', planner, '--metadata', join(dir, 'm'), '-o', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/invalid plan from planner bad/);
    expect(run.stderr).toMatch(/task \S+ has no annotation/);
    expect(run.stderr).toMatch(/worker 1 has 999 MB, not one of the available tiers/);
    noStackTrace(run.stderr);
    expect(() => readFileSync(out)).toThrow();
  });

  it('a file plan -o wrote, planned again: exit 2 saying it holds a plan, not a schema error; -o not written', () => {
    const dir = tempDir();
    const annotated = join(dir, 'annotated.json');
    expect(wukong(['plan', DAG, '--no-metadata', '-o', annotated]).code).toBe(0);
    const out = join(dir, 'again.json');
    const run = wukong(['plan', annotated, '--no-metadata', '-o', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/annotated\.json already holds a plan \(plan -o writes one\); run it as it is \(submit or simulate with no --planner\), or plan its "dag" again/);
    expect(run.stderr).not.toMatch(/Unrecognized keys/);
    noStackTrace(run.stderr);
    expect(() => readFileSync(out)).toThrow();
  });

  it('bad flags and unknown planners: exit 2 with the flag named', () => {
    const cases: [string[], RegExp][] = [
      [['--planner', 'fastest'], /unknown planner "fastest"/],
      [['--planner', './nope.js'], /no such file/],
      [['--sla', 'p900'], /bad SLA "p900"/],
      [['--tiers', '1024,abc'], /--tiers: "abc" is not a whole number/],
      [['--tiers', '64'], /--tiers: 64 is not a Lambda memory size/],
      [['--max-workers', '0'], /--max-workers must be at least 1/],
    ];
    for (const [flags, message] of cases) {
      const run = wukong(['plan', DAG, ...flags]);
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      noStackTrace(run.stderr);
    }
  });
});
