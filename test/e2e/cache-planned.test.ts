import { mkdtempSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { RunReportSchema, type RunReport } from '../../src/report/run-report.js';
import { runWukong } from '../helpers/wukong-cli.js';
import { userOpsCacheDag, type CacheSummaryJson } from '../helpers/cache-fixtures.js';

/**
 * Planned mode with a result cache (issue 19 item 3): the client resolves the hits first, the
 * planner plans only the tasks that must run, and the workers start from the hit frontier.
 */

interface SubmitJson {
  ok: boolean;
  planner: string;
  tasks: number;
  cache?: CacheSummaryJson;
}
interface GemmSpec {
  name: string;
  tasks: { id: string; op: string; args?: Record<string, unknown>; deps?: string[] }[];
  outputs: string[];
}

const dir = mkdtempSync(join(tmpdir(), 'wk-cache-planned-'));
const history = join(dir, 'history');
const wukong = (args: string[]) => runWukong(args, { timeoutMs: 120_000 });

function submit(dag: string, out: string, extra: string[]): { summary: SubmitJson; report: RunReport } {
  const reportFile = join(out, '..', `${out.split('/').at(-1)}.report.json`);
  const run = wukong(['submit', dag, '--workers', '2', '--json', '--metadata', history, '--output-dir', out, '--report', reportFile, ...extra]);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return { summary: JSON.parse(run.stdout) as SubmitJson, report: RunReportSchema.parse(JSON.parse(readFileSync(reportFile, 'utf8'))) };
}

const outputsOf = (out: string) => Object.fromEntries(readdirSync(out).sort().map((name) => [name, readFileSync(join(out, name))]));
const recomputedIds = (summary: SubmitJson) => (summary.cache?.recomputed ?? []).map((r) => r.taskId).sort();
/** Every task some executor ran, duplicates included: with a cache, only what the plan covers. */
const ranIds = (report: RunReport) => [...new Set(report.executors.flatMap((e) => e.tasks.map((t) => t.taskId)))].sort();

/** The gemm small DAG with one source block's seed changed. */
function withSeedChanged(gemm: GemmSpec, blockId: string, name: string): string {
  const changed = structuredClone(gemm);
  const block = changed.tasks.find((t) => t.id === blockId)!;
  block.args = { ...block.args, seed: Number(block.args?.seed) + 1 };
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(changed));
  return file;
}

describe('planned runs with a result cache (e2e)', () => {
  // gemm small: a-i-j, b-i-j sources; mul-i-k-j = a-i-k x b-k-j; c-i-j = sum over k: the outputs.
  let gemm: GemmSpec;
  let gemmFile: string;

  beforeAll(() => {
    gemmFile = join(dir, 'gemm.json');
    expect(wukong(['replay', 'gemm', '--size', 'small', '--workers', '2', '--no-metadata', '--save-dag', gemmFile, '--json']).code).toBe(0);
    gemm = JSON.parse(readFileSync(gemmFile, 'utf8')) as GemmSpec;
  });

  for (const planner of ['heft', 'nonuniform']) {
    it(`--planner ${planner}: changing one block's seed re-runs exactly it and its descendants, planned alone, to the right result`, () => {
      const cache = join(dir, `cache-${planner}`);
      // WUKONG mode stores every output, so every task of the unchanged DAG gets an entry.
      const filled = submit(gemmFile, join(dir, `${planner}-fill`), ['--cache', cache]);
      expect(filled.summary.cache).toMatchObject({ hits: 0, written: 20 });

      const changed = withSeedChanged(gemm, 'a-0-0', `gemm-${planner}.json`);
      const html = join(dir, `${planner}.html`);
      const run = submit(changed, join(dir, `${planner}-changed`), ['--cache', cache, '--planner', planner, '--html', html]);

      const expected = ['a-0-0', 'c-0-0', 'c-0-1', 'mul-0-0-0', 'mul-0-0-1'];
      expect(run.summary.planner).toBe(planner);
      expect(recomputedIds(run.summary)).toEqual(expected);
      const reasons = Object.fromEntries(run.summary.cache!.recomputed.map((r) => [r.taskId, r.reason]));
      expect(reasons).toMatchObject({ 'a-0-0': 'args changed', 'mul-0-0-0': 'input changed (a-0-0)', 'c-0-1': 'input changed (mul-0-0-1)' });
      // The plan covered the five and nothing else; every executor was one of its workers and ran only those.
      expect(run.summary.cache?.plannedTasks).toBe(5);
      expect(run.summary.tasks).toBe(5);
      expect(ranIds(run.report)).toEqual(expected);
      expect(run.report.executors.every((e) => e.worker !== undefined)).toBe(true);
      // The hits the five read (b-0-0, b-0-1, mul-0-1-0, mul-0-1-1) and the two untouched outputs.
      expect(run.summary.cache).toMatchObject({ hits: 6, skipped: 9 });
      expect(readFileSync(html, 'utf8')).toContain('<tr><td>c-0-0</td><td>input changed (mul-0-0-0)</td></tr>');

      // Bit for bit what an uncached WUKONG run of the changed DAG returns; the untouched blocks as before.
      const fresh = submit(changed, join(dir, `${planner}-fresh`), ['--no-cache']);
      expect(fresh.summary.tasks).toBe(20);
      expect(outputsOf(join(dir, `${planner}-changed`))).toEqual(outputsOf(join(dir, `${planner}-fresh`)));
      expect(outputsOf(join(dir, `${planner}-changed`))['c-1-1.arrow']).toEqual(outputsOf(join(dir, `${planner}-fill`))['c-1-1.arrow']);
      expect(outputsOf(join(dir, `${planner}-changed`))['c-0-0.arrow']).not.toEqual(outputsOf(join(dir, `${planner}-fill`))['c-0-0.arrow']);
    });
  }

  it('an annotated DAG (a plan for every task) runs only the part of its plan that misses', () => {
    const cache = join(dir, 'cache-annotated');
    submit(gemmFile, join(dir, 'annotated-fill'), ['--cache', cache]);
    const changed = withSeedChanged(gemm, 'b-1-1', 'gemm-b11.json');
    const annotated = join(dir, 'annotated.json');
    expect(wukong(['plan', changed, '--planner', 'uniform', '--metadata', history, '-o', annotated]).code).toBe(0);
    const plan = (JSON.parse(readFileSync(annotated, 'utf8')) as { plan: { tasks: Record<string, { worker: number }> } }).plan;
    expect(Object.keys(plan.tasks)).toHaveLength(20);

    const run = submit(annotated, join(dir, 'annotated-changed'), ['--cache', cache]);
    const expected = ['b-1-1', 'c-0-1', 'c-1-1', 'mul-0-1-1', 'mul-1-1-1'];
    expect(recomputedIds(run.summary)).toEqual(expected);
    expect(run.summary.cache?.plannedTasks).toBe(5);
    expect(ranIds(run.report)).toEqual(expected);
    // Each task ran where the file's plan put it.
    for (const executor of run.report.executors) for (const task of executor.tasks.filter((t) => !t.dup)) expect(executor.worker).toBe(plan.tasks[task.taskId]?.worker);
    submit(changed, join(dir, 'annotated-fresh'), ['--no-cache']);
    expect(outputsOf(join(dir, 'annotated-changed'))).toEqual(outputsOf(join(dir, 'annotated-fresh')));
  });

  it('a planned run filled by a planned run: outputs a worker kept in memory have no entry, and the summary says so', () => {
    const cache = join(dir, 'cache-planned-fill');
    const filled = submit(gemmFile, join(dir, 'planned-fill'), ['--cache', cache, '--planner', 'heft']);
    // Only what the run stored anyway becomes an entry: no extra upload for the cache.
    expect(filled.summary.cache?.written).toBeLessThanOrEqual(20);
    const unchanged = submit(gemmFile, join(dir, 'planned-again'), ['--cache', cache, '--planner', 'heft']);
    // Every output hits: nothing is planned, nothing runs.
    expect(unchanged.summary.cache).toMatchObject({ hits: 4, recomputed: [] });
    expect(unchanged.summary.cache?.plannedTasks).toBeUndefined();
    expect(unchanged.summary.tasks).toBe(0);
    expect(outputsOf(join(dir, 'planned-again'))).toEqual(outputsOf(join(dir, 'planned-fill')));

    const changed = withSeedChanged(gemm, 'a-0-0', 'gemm-planned-fill.json');
    const run = submit(changed, join(dir, 'planned-changed'), ['--cache', cache, '--planner', 'heft']);
    const recomputed = run.summary.cache!.recomputed;
    const descendants = ['a-0-0', 'c-0-0', 'c-0-1', 'mul-0-0-0', 'mul-0-0-1'];
    expect(recomputedIds(run.summary)).toEqual(expect.arrayContaining(descendants));
    // Anything else re-ran only because the filling run never stored it.
    for (const { taskId, reason } of recomputed) if (!descendants.includes(taskId)) expect(reason).toBe('no entry (its output was not stored by the run that computed it)');
    expect(run.summary.cache?.plannedTasks).toBe(recomputed.length);
    expect(ranIds(run.report)).toEqual(recomputedIds(run.summary));
    submit(changed, join(dir, 'planned-fresh'), ['--no-cache']);
    expect(outputsOf(join(dir, 'planned-changed'))).toEqual(outputsOf(join(dir, 'planned-fresh')));
  });

  it('replay --planner heft --cache --repeat 2: the second repeat is all hits and verifies', () => {
    const run = wukong(['replay', 'gemm', '--size', 'small', '--workers', '2', '--planner', 'heft', '--metadata', history, '--repeat', '2', '--cache', join(dir, 'cache-replay'), '--json']);
    // Repeats that read the cache are what this test times; the run says so, and nothing else.
    expect(run.stderr).toMatch(/^wukong: warning: --cache with --repeat 2: repeats after the first read the results cached[^\n]*\n$/);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout) as { verification: { ok: boolean }; lastRun: { planner: string; tasks: number; cache: CacheSummaryJson } };
    expect(summary.verification.ok).toBe(true);
    expect(summary.lastRun.planner).toBe('heft');
    expect(summary.lastRun.cache).toMatchObject({ hits: 4, recomputed: [] });
    expect(summary.lastRun.tasks).toBe(0);
  });

  it('--planner heft: a user op\'s code change re-plans and re-runs its tasks and descendants only; a truncated entry is recomputed, planned', () => {
    const api = join(process.cwd(), 'dist/src/api/index.js');
    const zod = join(process.cwd(), 'node_modules/zod/index.js');
    const opModule = (name: string, opName: string, factor: number) => {
      const path = join(dir, name);
      writeFileSync(
        path,
        `import { defineOp } from '${api}';\nimport { z } from '${zod}';\nexport default defineOp({ name: '${opName}', description: 'scale', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1,\n  run: ([m]) => [{ kind: 'matrix', rows: m.rows, cols: m.cols, data: m.data.map((x) => x * ${factor}) }] });\n`,
      );
      return path;
    };
    const ops = ['--ops', opModule('scale.mjs', 'demo.scale', 2), '--ops', opModule('twice.mjs', 'demo.twice', 2)];
    const dag = join(dir, 'user.json');
    writeFileSync(dag, userOpsCacheDag('user-cache-planned'));
    const cache = join(dir, 'cache-user');
    // Filled in WUKONG mode: every output stored, every task an entry.
    expect(submit(dag, join(dir, 'user-fill'), ['--cache', cache, ...ops]).summary.cache).toMatchObject({ written: 5 });
    opModule('scale.mjs', 'demo.scale', 5);
    const edited = submit(dag, join(dir, 'user-edited'), ['--cache', cache, '--planner', 'heft', ...ops]);
    expect(recomputedIds(edited.summary)).toEqual(['after-scaled', 'scaled', 'sum']);
    expect(edited.summary.cache?.recomputed.find((r) => r.taskId === 'scaled')?.reason).toBe('op code changed');
    expect(edited.summary.cache?.plannedTasks).toBe(3);
    expect(ranIds(edited.report)).toEqual(['after-scaled', 'scaled', 'sum']);
    submit(dag, join(dir, 'user-fresh'), ['--no-cache', ...ops]);
    expect(outputsOf(join(dir, 'user-edited'))).toEqual(outputsOf(join(dir, 'user-fresh')));

    // Every entry cut in half: each task the outputs need is found unusable (or, kept in memory by the
    // planned run, never stored), then planned and re-run.
    for (const name of readdirSync(join(cache, 'e'))) truncateSync(join(cache, 'e', name), Math.floor(statSync(join(cache, 'e', name)).size / 2));
    const truncated = submit(dag, join(dir, 'user-truncated'), ['--cache', cache, '--planner', 'heft', ...ops]);
    expect(truncated.summary.cache).toMatchObject({ hits: 0, plannedTasks: 5 });
    const reasons = Object.fromEntries(truncated.summary.cache!.recomputed.map((r) => [r.taskId, r.reason]));
    const cut = /^cache entry unusable \(truncated: \d+ of \d+ bytes\)$/;
    // src (filled), other and sum (outputs: always stored) had entries of the current keys.
    for (const taskId of ['src', 'other', 'sum']) expect(reasons[taskId]).toMatch(cut);
    for (const reason of Object.values(reasons)) expect(reason).toMatch(/^cache entry unusable \(truncated|^no entry \(its output was not stored/);
    expect(truncated.summary.cache?.corrupt).toBe(Object.values(reasons).filter((r) => cut.test(r)).length);
    expect(outputsOf(join(dir, 'user-truncated'))).toEqual(outputsOf(join(dir, 'user-fresh')));
  });
});
