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
const tempDir = () => mkdtempSync(join(tmpdir(), 'wk-simp-'));
const TR16 = 'workloads/examples/tree-reduction-16.json';

describe('wukong simulate, planned mode (e2e)', () => {
  it('--planner uniform: plans, simulates the plan, prints predicted vs simulated makespan', () => {
    // Act
    const run = wukong(['simulate', TR16, '--planner', 'uniform', '--no-metadata']);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ok: tree-reduction-16 \(run sim-1\) on simulated, planner uniform/);
    expect(run.stdout).toMatch(/planner\s+uniform: \d+ workers \(tiers MB x workers: 1769x\d+\)/);
    expect(run.stdout).toMatch(/predicted\s+makespan [\d.]+ ms, cost \$[\d.]+ \(the plan's forecast: tasks priced as simulated \(below\), transfers and start-ups at profile aws's rates\)/);
    expect(run.stdout).toMatch(/simulated\s+makespan [\d.]+ ms, cost \$[\d.]+/);
  });

  it('--planner random mixes tiers: the cost line names each tier it priced, not the largest alone', () => {
    // Prepare: the audit's case, a small gemm saved by replay
    const dagFile = join(tempDir(), 'gemm.json');
    expect(wukong(['replay', 'gemm', '--size', 'small', '--save-dag', dagFile, '--no-metadata', '--workers', '2']).code).toBe(0);
    // Act
    const run = wukong(['simulate', dagFile, '--planner', 'random', '--no-metadata']);
    // Assess: the tiers of the planner line, counted per executor on the cost line
    expect(run.code, run.stderr).toBe(0);
    const tiers = /tiers MB x workers: ([\dx,]+)\)/.exec(run.stdout)?.[1]?.split(',') ?? [];
    expect(tiers.length).toBeGreaterThan(1);
    const cost = /est\. Lambda cost .*\((.*)\)$/m.exec(run.stdout)?.[1];
    expect(cost).toMatch(/^each executor at its own tier: /);
    expect(cost).not.toMatch(/priced at/);
    for (const tier of tiers) expect(cost).toContain(`${tier.split('x')[0]} MB x`);
  });

  it('a plan file priced from embedded-run history: the gap names the forecast\'s other costs; an older file without them still runs', () => {
    // Prepare: history of an embedded run, a plan from it (an audit found the gap blamed latency spread)
    const dir = tempDir();
    const metadata = join(dir, 'metadata');
    const dag = join(dir, 'gemm.json');
    const annotated = join(dir, 'ann.json');
    expect(wukong(['replay', 'gemm', '--size', 'small', '--metadata', metadata, '--save-dag', dag]).code).toBe(0);
    expect(wukong(['plan', dag, '--planner', 'uniform', '--metadata', metadata, '-o', annotated]).code).toBe(0);
    const written = JSON.parse(readFileSync(annotated, 'utf8')) as { dag: unknown; plan: { pricedFrom?: { profile?: string; description: string } } };
    expect(written.plan.pricedFrom?.profile).toBeUndefined();
    expect(written.plan.pricedFrom?.description).toMatch(/^history at .*metadata, \d+ records/);
    // Act
    const run = wukong(['simulate', annotated, '--json']);
    // Assess
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { predictedFrom: string; gap?: { reason: string } };
    expect(result.predictedFrom).toMatch(/priced by the predictor \(history, DAG hints, defaults\), not at a profile/);
    expect(result.gap?.reason).toMatch(/^the plan was priced for other costs than this simulation's: its forecast from history at .*; the simulation from profile aws/);
    expect(result.gap?.reason).not.toMatch(/spread of platform latencies/);
    // A plan file written before plans recorded their source is still read, and says it does not know.
    delete written.plan.pricedFrom;
    writeFileSync(annotated, JSON.stringify(written));
    const older = wukong(['simulate', annotated]);
    expect(older.code).toBe(0);
    expect(older.stdout).toMatch(/the plan file's own forecast \(.*ann\.json; it does not record what it was priced from\)/);
  });

  it('a plan file priced at the simulation\'s profile is not blamed for other costs', () => {
    const dir = tempDir();
    const annotated = join(dir, 'ann.json');
    expect(wukong(['plan', TR16, '--planner', 'uniform', '--no-metadata', '--profile', 'aws', '-o', annotated]).code).toBe(0);
    const run = wukong(['simulate', annotated, '--json']);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { predictedFrom: string; gap?: { reason: string } };
    expect(result.predictedFrom).toMatch(/priced at profile aws\)$/);
    expect(result.gap?.reason ?? '').not.toMatch(/priced for other costs/);
  });

  it('--planner uniform --json: one JSON object with the planner, its forecast and the simulated figures; same seed, same result', () => {
    const args = ['simulate', TR16, '--planner', 'uniform', '--no-metadata', '--json', '--seed', '9', '--store', 's3'];
    const first = JSON.parse(wukong(args).stdout) as Record<string, unknown>;
    const second = JSON.parse(wukong(args).stdout) as Record<string, unknown>;
    expect(first).toMatchObject({ ok: true, simulated: true, planner: 'uniform', seed: 9, store: 's3' });
    expect((first.predicted as { makespanMs: number }).makespanMs).toBeGreaterThan(0);
    expect(first.makespanMs).toBeGreaterThan(0);
    expect(second.makespanMs).toBe(first.makespanMs);
    expect(second.costUsd).toBe(first.costUsd);
  });

  it('a hedged start: the copy that lost the claim is named, and the counts add up (executors + unreported = starts = requests)', () => {
    // nonuniform plans tree-reduction-16 as one worker with a hedged start: two Invoke calls, one worker.
    const args = ['simulate', TR16, '--planner', 'nonuniform', '--no-metadata'];
    const text = wukong(args);
    const json = JSON.parse(wukong([...args, '--json']).stdout) as { invocations: number; costFormula: string; planned: { lostClaims: number; unreportedInvocations: number } };
    expect(text.code, text.stderr).toBe(0);
    expect(json.planned).toMatchObject({ lostClaims: 1, unreportedInvocations: 1 });
    const requests = Number(/(\d+) requests/.exec(json.costFormula)?.[1]);
    expect(json.invocations + json.planned.unreportedInvocations).toBe(requests);
    const starts = /starts\s+(\d+) cold, (\d+) warm/.exec(text.stdout);
    expect(Number(starts?.[1]) + Number(starts?.[2])).toBe(requests);
    expect(text.stdout).toMatch(/1 hedged-start copies lost the claim/);
    expect(text.stdout).toMatch(/unreported\s+1 billed invocation\(s\) ran no worker .*not in executors/);
  });

  it('simulate annotated.json written by `wukong plan -o`: runs that plan; the report names workers', () => {
    // Prepare: plan with an empty history, so the plan depends on the DAG alone
    const dir = tempDir();
    const annotated = join(dir, 'annotated.json');
    const report = join(dir, 'report.json');
    const plan = wukong(['plan', TR16, '--planner', 'heft', '--max-workers', '3', '--metadata', join(dir, 'metadata'), '-o', annotated]);
    expect(plan.code).toBe(0);
    const written = JSON.parse(readFileSync(annotated, 'utf8')) as { plan: { tasks: Record<string, { worker: number }> } };
    // Act
    const run = wukong(['simulate', annotated, '--no-metadata', '--report', report]);
    // Assess
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/planner heft/);
    const parsed = RunReportSchema.parse(JSON.parse(readFileSync(report, 'utf8')));
    expect(parsed.ok).toBe(true);
    expect(parsed.planner).toBe('heft');
    expect(parsed.summary.tasks).toBe(Object.keys(written.plan.tasks).length);
    for (const e of parsed.executors) {
      expect(e.executorId).toMatch(/^w-\d+(@.+)?$/);
      expect(e.worker).toBeTypeOf('number');
    }
    for (const t of parsed.tasks.filter((t) => !t.dup)) {
      const worker = parsed.executors.find((e) => e.executorId === t.executorId)?.worker;
      expect(worker).toBe(written.plan.tasks[t.taskId]?.worker);
    }
  });

  it('bad input exits 2 without a stack trace: a planned file with --planner, a plan with an unknown tier', () => {
    const dir = tempDir();
    const annotated = join(dir, 'annotated.json');
    expect(wukong(['plan', TR16, '--planner', 'uniform', '--metadata', join(dir, 'metadata'), '-o', annotated]).code).toBe(0);
    const twice = wukong(['simulate', annotated, '--planner', 'uniform', '--no-metadata']);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/already holds a plan/);
    noStackTrace(twice.stderr);

    const doc = JSON.parse(readFileSync(annotated, 'utf8')) as { plan: { workers: Record<string, { memoryMb: number }> } };
    for (const w of Object.values(doc.plan.workers)) w.memoryMb = 2222;
    const badTier = join(dir, 'bad-tier.json');
    writeFileSync(badTier, JSON.stringify(doc));
    const run = wukong(['simulate', badTier, '--no-metadata']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/2222/);
    noStackTrace(run.stderr);
  });
});
