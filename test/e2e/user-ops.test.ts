import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { decodeValue } from '../../src/data/codec.js';

/** Runs the CLI as a user would: the built bin, a child process, real files, in `cwd`. */
function wukong(args: string[], cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 120_000, cwd });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The built library entry, as a user module imports `wukong` (here by URL: no install). */
const API = join(process.cwd(), 'dist/src/api/index.js');
const ZOD = join(process.cwd(), 'node_modules/zod/index.js');

const dir = mkdtempSync(join(tmpdir(), 'wk-user-ops-'));
function file(name: string, text: string): string {
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}
const header = `import { defineOp } from '${API}';\nimport { z } from '${ZOD}';\n`;
/** An op module: `run` is the body of the op's run function (inputs, args). */
const opModule = (name: string, opName: string, run: string, arity = 1) =>
  file(name, `${header}export default defineOp({ name: '${opName}', description: 'test op', args: z.object({}).strict(), arity: { min: ${arity}, max: ${arity} }, outputs: 1,\n  run: (inputs, args) => {\n    ${run}\n  },\n});\n`);

const goodOps = file(
  'good-ops.mjs',
  `${header}
const scale = (m, by) => ({ kind: 'matrix', rows: m.rows, cols: m.cols, data: m.data.map((x) => x * by) });
export default [
  defineOp({ name: 'demo.scale', description: 'multiply every element by factor', args: z.object({ factor: z.number().default(2) }).strict(),
    arity: { min: 1, max: 1 }, outputs: 1, run: ([m], args) => [scale(m, args.factor)], shape: ([s]) => [s], cost: ([s]) => ({ flops: s.rows * s.cols }) }),
  defineOp({ name: 'demo.negate', description: 'negate every element', args: z.object({}).strict(),
    arity: { min: 1, max: 1 }, outputs: 1, run: ([m]) => [scale(m, -1)] }),
];
`,
);
const dagOf = (op: string, args: Record<string, unknown> = {}) =>
  file(
    `dag-${op.replace(/\W/g, '-')}.json`,
    JSON.stringify({ name: 'user-ops', tasks: [{ id: 'src', op: 'matrix.fill', args: { rows: 2, cols: 2, value: 3 } }, { id: 'user-task', op, args, deps: ['src'] }, { id: 'neg', op: 'demo.negate', deps: ['user-task'] }], outputs: ['neg'] }),
  );

describe('user op modules (e2e)', () => {
  it('runs user ops embedded, from --ops and from wukong.config.json, with outputs computed by the user code', () => {
    const out = join(dir, 'out');
    const run = wukong(['submit', dagOf('demo.scale', { factor: 5 }), '--ops', goodOps, '--workers', '2', '--output-dir', out, '--no-metadata']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    // fill 3 -> demo.scale by 5 -> demo.negate: every element -15, computed by the user's ops.
    const value = decodeValue(new Uint8Array(readFileSync(join(out, 'neg.arrow'))));
    expect(value.kind).toBe('matrix');
    expect(value.kind === 'matrix' && [...value.data]).toEqual([-15, -15, -15, -15]);
    // Through the project config in the working directory instead of --ops.
    const project = mkdtempSync(join(tmpdir(), 'wk-user-project-'));
    writeFileSync(join(project, 'wukong.config.json'), JSON.stringify({ ops: [goodOps] }));
    const viaConfig = wukong(['submit', dagOf('demo.scale', { factor: 5 }), '--workers', '1', '--json', '--no-metadata'], project);
    expect(viaConfig.stderr).toBe('');
    expect(JSON.parse(viaConfig.stdout).ok).toBe(true);
  });

  it('from a project subdirectory, the root\'s wukong.config.json ops load, their paths relative to the config file', () => {
    // Prepare: an audit found the root's .wukong used but its ops not loaded ("unknown op")
    const project = mkdtempSync(join(tmpdir(), 'wk-user-project-'));
    writeFileSync(join(project, 'my-ops.mjs'), readFileSync(goodOps, 'utf8'));
    writeFileSync(join(project, 'wukong.config.json'), JSON.stringify({ ops: ['./my-ops.mjs'] }));
    const sub = join(project, 'sub');
    mkdirSync(sub);
    // Act
    const run = wukong(['submit', dagOf('demo.scale', { factor: 5 }), '--workers', '1', '--json'], sub);
    // Assess
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).ok).toBe(true);
    expect(run.stderr).toMatch(/project state in .*\.wukong \(nearest directory with wukong\.config\.json\)/);
  });

  it('wukong ops lists built-ins and user ops with description, arity and args schema', () => {
    const run = wukong(['ops', '--json', '--ops', goodOps]);
    expect(run.code).toBe(0);
    const listed = JSON.parse(run.stdout) as { name: string; description: string; arity: { min: number; max: number | null }; args: { properties?: Record<string, unknown> }; source: string | null }[];
    const scale = listed.find((op) => op.name === 'demo.scale');
    expect(scale).toMatchObject({ description: 'multiply every element by factor', arity: { min: 1, max: 1 }, source: goodOps });
    expect(Object.keys(scale?.args.properties ?? {})).toEqual(['factor']);
    expect(listed.some((op) => op.name === 'matrix.matmul' && op.source === null)).toBe(true);
    const text = wukong(['ops', '--ops', goodOps]);
    expect(text.stdout).toMatch(/^demo\.negate {2}\(1 input -> 1\)/m);
  });

  it('validate accepts user ops and suggests the closest name for a typo', () => {
    expect(wukong(['validate', dagOf('demo.scale'), '--ops', goodOps]).code).toBe(0);
    const typo = wukong(['validate', dagOf('demo.scael'), '--ops', goodOps]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/demo\.scael/);
    expect(typo.stderr).toMatch(/did you mean "?demo\.scale"?/);
  });

  it('a module with a syntax error: exit 2, file:line, nothing run', () => {
    const bad = file('syntax.mjs', `${header}export default defineOp({\n  name: 'demo.bad',\n  run: (inputs) => [inputs[0] +],\n});\n`);
    const run = wukong(['submit', dagOf('demo.scale'), '--ops', bad, '--no-metadata']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${bad}:5`);
    expect(run.stderr).toMatch(/failed to load: .*Unexpected token/);
    expect(run.stdout).toBe('');
    // A .js module with no "type": "module" package around it (README's layout) is checked as ESM too.
    const badJs = file('syntax.js', `${header}export default defineOp({\n  name: 'demo.bad',\n  run: (inputs) => [inputs[0] +],\n});\n`);
    const js = wukong(['validate', dagOf('demo.scale'), '--ops', badJs]);
    expect(js.code).toBe(2);
    expect(js.stderr).toContain(`${badJs}:5`);
  });

  it('a module that loads in the main thread but throws in an executor thread: exit 2 naming it, no hang', () => {
    // process.chdir() is not supported in workers: the CLI's own load passes, every thread's fails.
    const threadBad = file('thread-bad.mjs', `${header}import { isMainThread } from 'node:worker_threads';\nif (!isMainThread) process.chdir('/');\nexport default defineOp({ name: 'demo.thread', description: 'x', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1, run: (inputs) => inputs });\n`);
    const startedAt = Date.now();
    const run = wukong(['submit', dagOf('demo.thread'), '--ops', threadBad, '--ops', goodOps, '--workers', '2', '--no-metadata', '--deadline', '60s']);
    expect(run.code, run.stderr).toBe(2);
    expect(run.stderr).toMatch(/an executor thread failed to start, loading the op modules \(.*thread-bad\.mjs.*\): op module .*thread-bad\.mjs failed to load: process\.chdir\(\) is not supported in workers/);
    expect(run.stdout).toBe('');
    // Before, threads were started again and again at full CPU, past any deadline.
    expect(Date.now() - startedAt).toBeLessThan(30_000);
  });

  it('a module that exports nothing usable: exit 2 saying what to export', () => {
    const none = file('none.mjs', 'export const helper = 1;\n');
    const run = wukong(['validate', dagOf('demo.scale'), '--ops', none]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/op module .*none\.mjs exports nothing usable: no default export; export default defineOp\(/);
    const notOp = file('not-op.mjs', 'export default { name: "demo.x" };\n');
    const second = wukong(['validate', dagOf('demo.scale'), '--ops', notOp]);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/exports nothing usable: op demo\.x has no "run" function/);
  });

  it('an op defined twice, or shadowing a built-in: exit 2, nothing run', () => {
    const twice = opModule('twice.mjs', 'demo.scale', 'return inputs;');
    const run = wukong(['submit', dagOf('demo.scale'), '--ops', goodOps, '--ops', twice, '--no-metadata']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`op demo.scale is defined twice: in ${goodOps} and in ${twice}`);
    expect(run.stdout).toBe('');
    const shadow = opModule('shadow.mjs', 'matrix.add', 'return inputs;');
    const shadowed = wukong(['validate', dagOf('demo.scale'), '--ops', shadow]);
    expect(shadowed.code).toBe(2);
    expect(shadowed.stderr).toMatch(/op matrix\.add is in the built-in namespace "matrix\."; user ops may not shadow built-ins/);
  });

  it('an op that throws: exit 1 naming task, op, the error and its frame in the user file', () => {
    const throws = opModule('throws.mjs', 'demo.boom', "throw new RangeError('the user code gave up');");
    const run = wukong(['submit', dagOf('demo.boom'), '--ops', throws, '--ops', goodOps, '--workers', '1', '--no-metadata']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task user-task \(op demo\.boom\) failed: RangeError: the user code gave up/);
    expect(run.stderr).toMatch(new RegExp(`at .*${pathToFileURL(throws).href.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:5:\\d+`));
  });

  it('a .ts op that throws: its frame names the .ts file and line (through the source map), not the removed compiled file', () => {
    const tsOp = file('throws-ts.ts', `${header}type Block = { rows: number };\nexport default defineOp({ name: 'demo.tsthrow', description: 'x', args: z.object({}).strict(), arity: { min: 1, max: 1 }, outputs: 1,\n  run: (inputs: Block[]) => {\n    throw new Error('ts boom ' + inputs.length);\n  },\n});\n`);
    const run = wukong(['submit', dagOf('demo.tsthrow'), '--ops', tsOp, '--ops', goodOps, '--workers', '1', '--no-metadata']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('task user-task (op demo.tsthrow) failed: ts boom 1');
    // Line 6: the throw, in the file as written (header 2 lines, type 1, defineOp 1, run 1).
    expect(run.stderr).toContain(`${tsOp}:6:`);
    expect(run.stderr).not.toContain('.wukong-');
  });

  it('an op that returns the wrong type: exit 1 naming task, op and what it returned', () => {
    const wrong = opModule('wrong.mjs', 'demo.wrong', 'return 42;');
    const run = wukong(['submit', dagOf('demo.wrong'), '--ops', wrong, '--ops', goodOps, '--workers', '1', '--no-metadata']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task user-task \(op demo\.wrong\) failed: op demo\.wrong returned a number; run must return an array of 1 value/);
    const notValue = opModule('not-value.mjs', 'demo.notvalue', 'return [{ rows: 1 }];');
    const second = wukong(['submit', dagOf('demo.notvalue'), '--ops', notValue, '--ops', goodOps, '--workers', '1', '--no-metadata']);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/op demo\.notvalue returned output 0 that is not a value \(an object without a kind\)/);
  });

  it('an op that never returns: the task timeout, then exit 1', () => {
    const hangs = opModule('hangs.mjs', 'demo.hang', 'return new Promise(() => {});');
    const started = Date.now();
    const run = wukong(['submit', dagOf('demo.hang'), '--ops', hangs, '--ops', goodOps, '--workers', '1', '--task-timeout', '1s', '--no-metadata']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task user-task \(op demo\.hang\) failed: op demo\.hang did not return within the task timeout of 1000 ms/);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('an op that blocks its thread past the task timeout: exit 1, though it returned', () => {
    // Held 600 ms: well under the 1 s a thread must be held before the pool ends it (the next test).
    const blocks = opModule('blocks.mjs', 'demo.block', 'const until = Date.now() + 600; while (Date.now() < until) {} return inputs;');
    const run = wukong(['submit', dagOf('demo.block'), '--ops', blocks, '--ops', goodOps, '--workers', '1', '--task-timeout', '200ms', '--no-metadata']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/task user-task \(op demo\.block\) failed: op demo\.block did not return within the task timeout of 200 ms \(it returned after \d+ ms\)/);
  });

  it('an op that never returns from synchronous code: its thread is ended past the task timeout, exit 1', () => {
    const spins = opModule('spins.mjs', 'demo.spin', 'for (;;) {}');
    const started = Date.now();
    const run = wukong(['submit', dagOf('demo.spin'), '--ops', spins, '--ops', goodOps, '--workers', '1', '--task-timeout', '1s', '--no-metadata']);
    expect(run.code).toBe(1);
    // Blamed on the spinning task, not on the first task (src) of the executor that ran it.
    expect(run.stderr).toMatch(/the op of task user-task held executor \S+'s thread for \d+ ms, past the task timeout of 1000 ms, without returning/);
    // Ended within a few watch intervals of the timeout, not by the 30-minute deadline.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  it('an op that ends its thread (process.exit): exit 1 naming that task, not its executor\'s first', () => {
    const exits = opModule('exits.mjs', 'demo.exit', 'process.exit(3);');
    const run = wukong(['submit', dagOf('demo.exit'), '--ops', exits, '--ops', goodOps, '--workers', '1', '--no-metadata', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).failure).toEqual({ taskId: 'user-task', message: expect.stringMatching(/^executor \S+ died 3 times \(the last op its thread called: task user-task's\)$/) });
  });
});
