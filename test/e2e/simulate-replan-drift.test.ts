import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the CLI as a user would: the built bin, a child process, real files. */
function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** j0, then 4 stages of 32 tasks of 10 ms between joins: the uniform plan packs a stage on few workers. */
function stagesDag(): string {
  const work = (id: string, ms: number, deps: string[]) => ({ id, op: 'synthetic.work', args: { ms, outputBytes: 8 }, ...(deps.length > 0 ? { deps } : {}) });
  const tasks = [work('j0', 1, [])];
  for (let stage = 1; stage <= 4; stage += 1) {
    const ids = Array.from({ length: 32 }, (_, i) => `t${stage}-${i}`);
    for (const id of ids) tasks.push(work(id, 10, [`j${stage - 1}`]));
    tasks.push(work(`j${stage}`, 1, ids));
  }
  const file = join(mkdtempSync(join(tmpdir(), 'wk-drift-')), 'stages.json');
  writeFileSync(file, JSON.stringify({ name: 'stages', tasks }));
  return file;
}

describe('wukong simulate --replan-drift (e2e)', () => {
  it('re-plans once the tasks run 3x slower than planned, and finishes sooner than without the trigger', () => {
    // Prepare
    const dag = stagesDag();
    // Act
    const plain = wukong(['simulate', dag, '--planner', 'uniform', '--slowdown', '3', '--json']);
    const drifted = wukong(['simulate', dag, '--planner', 'uniform', '--slowdown', '3', '--replan-drift', '1.5', '--json']);
    // Assess
    expect(drifted.code, drifted.stderr).toBe(0);
    const [p, d] = [JSON.parse(plain.stdout), JSON.parse(drifted.stdout)] as { ok: boolean; tasks: number; makespanMs: number; planned: { replans: number; driftFactor?: number } }[];
    expect(d?.ok).toBe(true);
    expect(d?.tasks).toBe(133);
    expect(d?.planned.replans).toBe(1);
    expect(d?.planned.driftFactor).toBeCloseTo(3, 6);
    expect(p?.planned.replans).toBe(0);
    expect(d?.makespanMs).toBeLessThan(p?.makespanMs ?? 0);
  });

  it('refuses a ratio of 1 or less, and points with a trigger', () => {
    const dag = stagesDag();
    const low = wukong(['simulate', dag, '--planner', 'uniform', '--replan-drift', '1']);
    const both = wukong(['simulate', dag, '--planner', 'uniform', '--replan-drift', '2', '--replan-stages', '1']);
    expect(low.code).toBe(2);
    expect(low.stderr).toMatch(/--replan-drift must be a ratio above 1/);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/not both/);
  });

  it('submit runs a plan with a drift trigger as made, and says it does not re-plan', () => {
    // Prepare: a plan made by `wukong plan`, given a trigger by hand (as a custom planner may)
    const dag = stagesDag();
    const annotated = join(dag, '..', 'annotated.json');
    const planned = wukong(['plan', dag, '--planner', 'uniform', '-o', annotated]);
    expect(planned.code, planned.stderr).toBe(0);
    const file = JSON.parse(readFileSync(annotated, 'utf8')) as { plan: Record<string, unknown> };
    writeFileSync(annotated, JSON.stringify({ ...file, plan: { ...file.plan, replanOnDrift: { ratio: 1.5, minTasks: 1 } } }));
    // Act
    const run = wukong(['submit', annotated, '--no-metadata', '--json']);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain('only `wukong simulate` re-plans yet, so this run follows the plan as made');
    expect((JSON.parse(run.stdout) as { ok: boolean }).ok).toBe(true);
  });
});
