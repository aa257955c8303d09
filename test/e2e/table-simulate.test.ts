import { mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runWukong } from '../helpers/wukong-cli.js';

/**
 * The simulator and the planner know table ops (issue 18 item 6): `simulate` prices the pipeline
 * workload from its sources' row counts and bytes and applies the pushdown a run applies, so with
 * pushdown it moves fewer bytes and finishes sooner than with --no-pushdown. Runs the built CLI
 * (`npm run build` first) on the small pipeline's generated files.
 */
const dir = mkdtempSync(join(tmpdir(), 'wk-table-sim-'));
const dag = join(dir, 'pipeline.json');

interface Simulated {
  makespanMs: number;
  bytesWritten: number;
  bytesRead: number;
  sourceBytes: number;
  taskCosts: string;
}

function simulated(args: string[]): Simulated {
  const run = runWukong(['simulate', dag, '--json', ...args]);
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as Simulated;
}

describe('simulate and plan of a table pipeline (e2e)', () => {
  it('generate --data writes the sources; simulate with pushdown moves fewer bytes and finishes sooner than --no-pushdown', () => {
    const generated = runWukong(['generate', 'pipeline', '--size', 'small', '--data', join(dir, 'data'), '-o', dag]);
    expect(generated.code, generated.stderr).toBe(0);
    for (const store of ['redis', 's3']) {
      const pushed = simulated(['--store', store]);
      const whole = simulated(['--store', store, '--no-pushdown']);
      // Every task priced by its op's cost model (sources' footers for the reads).
      expect(pushed.taskCosts).toMatch(/14 from op cost models/);
      expect(whole.taskCosts).toMatch(/14 from op cost models/);
      expect(pushed.bytesWritten * 2).toBeLessThan(whole.bytesWritten);
      // Sources read: the file bytes of the columns read (4 of the 17 trip columns with pushdown).
      expect(pushed.sourceBytes).toBeGreaterThan(0);
      expect(pushed.sourceBytes * 3).toBeLessThan(whole.sourceBytes);
      expect(pushed.makespanMs).toBeLessThan(whole.makespanMs);
    }
  });

  it('plan --profile prices the pipeline\'s tasks from their cost models and writes the pushed-down DAG', () => {
    const out = join(dir, 'planned.json');
    const run = runWukong(['plan', dag, '--planner', 'uniform', '--profile', 'aws', '--no-metadata', '--json', '-o', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: true });
    expect(run.stdout).toMatch(/14 from op cost models/);
    const written = runWukong(['validate', out, '--json']);
    expect(written.code, written.stderr).toBe(0);
  });

  it('generate --data with a relative directory writes absolute source paths: the DAG runs from anywhere; replay too', () => {
    // Prepare: an audit found "./data/..." in the DAG, so simulate from another directory failed
    const project = realpathSync(mkdtempSync(join(tmpdir(), 'wk-table-rel-')));
    const generated = runWukong(['generate', 'pipeline', '--size', 'small', '--data', './data', '-o', 'p.json'], { cwd: project });
    expect(generated.code, generated.stderr).toBe(0);
    const sources = readFileSync(join(project, 'p.json'), 'utf8').match(/"[^"]*trips-[^"]*\.(parquet|csv)"/g) ?? [];
    expect(sources.length).toBeGreaterThan(0);
    for (const source of sources) expect((JSON.parse(source) as string).startsWith(`${join(project, 'data')}/`), source).toBe(true);
    // Act: from another directory (this one)
    const run = runWukong(['simulate', join(project, 'p.json'), '--json']);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    const replayed = runWukong(['replay', 'pipeline', '--size', 'small', '--data', './data', '--no-metadata', '--workers', '2', '--json'], { cwd: project });
    expect(replayed.code, replayed.stderr).toBe(0);
    expect(JSON.parse(replayed.stdout)).toMatchObject({ ok: true });
  });
});
