import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

const wukong = (args: string[], cwd?: string) => runWukong(args, { cwd });

/** A metadata directory holding 4 task records with finite but absurd times, and one sane one. */
function absurdHistory(): { dir: string; dag: string } {
  const dir = mkdtempSync(join(tmpdir(), 'wukong-bounds-'));
  mkdirSync(join(dir, 'md'));
  const taskKey = 'synthetic.work|{"mode":"spin","ms":5,"outputBytes":8}|';
  const record = (taskId: string, execMs: number) =>
    JSON.stringify({ type: 'task', runId: 'r1', taskId, op: 'synthetic.work', taskKey, worker: { memoryMb: 1769, vcpu: 1 }, execMs, inputBytes: 0, outputBytes: 8, at: 1_700_000_000_000 });
  writeFileSync(join(dir, 'md', 'tasks.jsonl'), `${[record('a', 1e308), record('b', 1e308), record('a', 1e308), record('b', 1e300), record('a', 6)].join('\n')}\n`);
  writeFileSync(join(dir, 'dag.json'), JSON.stringify({ tasks: [{ id: 'a', op: 'synthetic.work', args: { ms: 5 } }, { id: 'b', op: 'synthetic.work', args: { ms: 5 }, deps: ['a'] }] }));
  return { dir, dag: 'dag.json' };
}

const WARNING = 'wukong: warning: skipped 4 metadata entries in';

describe('out-of-range metadata (e2e)', () => {
  it.each([['uniform'], ['nonuniform'], ['heft']])('plan --planner %s skips and counts absurd records and prints finite figures', (planner) => {
    const { dir, dag } = absurdHistory();
    const run = wukong(['plan', dag, '--planner', planner, '--metadata', 'md', '-o', 'annotated.json'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(WARNING);
    expect(run.stdout).not.toMatch(/Infinity|e\+\d/);
    const annotated = JSON.parse(readFileSync(join(dir, 'annotated.json'), 'utf8')) as { plan: { predicted: { makespanMs: unknown } } };
    expect(typeof annotated.plan.predicted.makespanMs).toBe('number');
    expect(annotated.plan.predicted.makespanMs as number).toBeLessThan(60_000);
  });

  it('simulate skips and counts them and prints a finite makespan', () => {
    const { dir, dag } = absurdHistory();
    const run = wukong(['simulate', dag, '--metadata', 'md', '--history', 'md'], dir);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(WARNING);
    expect(run.stdout).not.toMatch(/Infinity|e\+\d/);
    expect(run.stdout).toMatch(/makespan\s+\d+\.\d ms/);
  });

  it('a DAG hint of 1e308 ms is refused at validation', () => {
    const { dir } = absurdHistory();
    writeFileSync(join(dir, 'hinted.json'), JSON.stringify({ tasks: [{ id: 'a', op: 'synthetic.work', args: { ms: 5 }, hints: { durationMs: 1e308 } }] }));
    const run = wukong(['validate', 'hinted.json'], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('tasks[0].hints.durationMs');
  });
});
