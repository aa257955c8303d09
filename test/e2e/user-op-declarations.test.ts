import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * A user op's `cost` and `shape` declarations as the CLI meets them when it plans or prices a
 * DAG: a declaration that throws or answers what cannot be priced is bad input (exit 2) naming
 * the task, the op and the function, not `unexpected error` (exit 1) nor a task silently priced
 * at a made-up time; declared work is priced as it reads.
 */

function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const API = join(process.cwd(), 'dist/src/api/index.js');
const ZOD = join(process.cwd(), 'node_modules/zod/index.js');
const dir = mkdtempSync(join(tmpdir(), 'wk-user-declarations-'));

/** An op module for demo.x (one matrix in, the same out) with these cost and shape bodies. */
function opModule(name: string, declarations: { cost?: string; shape?: string }): string {
  const path = join(dir, name);
  const lines = [
    `import { defineOp } from '${API}';`,
    `import { z } from '${ZOD}';`,
    `export default defineOp({ name: 'demo.x', description: 'test op', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1,`,
    '  run: ([m]) => [m],',
    `  shape: ([s]) => { ${declarations.shape ?? 'return [s];'} },`,
    `  cost: ([s]) => { ${declarations.cost ?? 'return undefined;'} },`,
    '});',
  ];
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const dag = join(dir, 'dag.json');
writeFileSync(dag, JSON.stringify({ name: 'declarations', tasks: [{ id: 'src', op: 'matrix.fill', args: { rows: 1000, cols: 1000, value: 1 } }, { id: 'user-task', op: 'demo.x', deps: ['src'] }] }));

/** The file:line:column of a frame in `path` (the user's line is `line`). */
const frameIn = (path: string, line: number) => new RegExp(`at .*${pathToFileURL(path).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${line}:\\d+`);

function simulatedMakespanMs(ops: string): number {
  const run = wukong(['simulate', dag, '--ops', ops, '--profile', 'aws']);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return Number(/makespan\s+([\d.]+) ms/.exec(run.stdout)?.[1]);
}

describe('user op cost and shape declarations (e2e)', () => {
  it('a cost function that throws: exit 2 naming task, op, cost and the user file:line, in simulate and plan --profile', () => {
    const ops = opModule('cost-throws.mjs', { cost: "throw new Error('cost boom');" });
    for (const args of [['simulate', dag], ['plan', dag, '--profile', 'aws', '--no-metadata']]) {
      const run = wukong([...args, '--ops', ops]);
      expect(run.code, args[0]).toBe(2);
      expect(run.stderr).toMatch(/task user-task \(op demo\.x\): its cost function threw: cost boom/);
      expect(run.stderr).toMatch(frameIn(ops, 6));
      expect(run.stderr).not.toMatch(/unexpected error/);
    }
  });

  it('a shape function that throws: exit 2 naming task, op, shape and the user file:line, in simulate, plan and submit --planner', () => {
    const ops = opModule('shape-throws.mjs', { shape: "throw new TypeError('shape boom');" });
    for (const args of [['simulate', dag], ['plan', dag, '--no-metadata'], ['submit', dag, '--planner', 'uniform', '--no-metadata']]) {
      const run = wukong([...args, '--ops', ops]);
      expect(run.code, args[0]).toBe(2);
      expect(run.stderr).toMatch(/task user-task \(op demo\.x\): its shape function threw: TypeError: shape boom/);
      expect(run.stderr).toMatch(frameIn(ops, 5));
    }
  });

  it('a cost declaration that cannot be priced: exit 2 saying what is wrong with it', () => {
    const cases: [string, RegExp][] = [
      ['return 42;', /its cost function returned 42; it must return an object/],
      ['return { flops: NaN };', /returned flops: NaN; an amount of work must be a finite number >= 0/],
      ['return { bytesRead: -1 };', /returned bytesRead: -1; an amount of work must be a finite number >= 0/],
      ['return { flops: Infinity };', /returned flops: Infinity/],
      ["return { flops: 1, kernel: 'nonexistent' };", /returned kernel "nonexistent", which is neither a built-in kernel nor one this profile's rate table names/],
      ['return { flop: 1e9 };', /returned an unknown field "flop"/],
    ];
    for (const [body, message] of cases) {
      const run = wukong(['simulate', dag, '--ops', opModule('bad-cost.mjs', { cost: body }), '--profile', 'aws']);
      expect(run.code, body).toBe(2);
      expect(run.stderr, body).toMatch(/task user-task \(op demo\.x\): its cost function/);
      expect(run.stderr, body).toMatch(message);
    }
  });

  it('flops declared on a bytes-only kernel (aws elementwise) are priced at the default flop rate, not dropped', () => {
    const few = simulatedMakespanMs(opModule('few-flops.mjs', { cost: "return { flops: 16, kernel: 'elementwise' };" }));
    const many = simulatedMakespanMs(opModule('many-flops.mjs', { cost: "return { flops: 1e12, kernel: 'elementwise' };" }));
    // 1e12 flops at aws's default 5.377 GFLOP/s: 186 s. Before, both priced at the kernel's 0 ms.
    expect(many - few).toBeGreaterThan(180_000);
    expect(few).toBeLessThan(2_000);
  });

  it("README's cost example is priced by its bytes at the elementwise rate and its flops at the default rate", () => {
    const readme = simulatedMakespanMs(opModule('readme.mjs', { cost: "return { kernel: 'elementwise', flops: s.rows * s.cols, bytesRead: 8 * s.rows * s.cols, bytesWritten: 8 * s.rows * s.cols };" }));
    const none = simulatedMakespanMs(opModule('no-cost.mjs', { cost: "return { kernel: 'elementwise' };" }));
    // 16 MB at 5.698 GB/s: 2.8 ms more than declaring no work.
    expect(readme - none).toBeGreaterThan(2.5);
    expect(readme - none).toBeLessThan(3.5);
  });
});
