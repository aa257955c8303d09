import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the built CLI (`npm run build` first) as a user would: a child process, real files. */
function wukong(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WUKONG_DEBUG: '', ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const STACK_LINE = /^ {4}at /m;
const fixture = (name: string) => `test/fixtures/dags/${name}.json`;

describe('wukong validate (e2e)', () => {
  it.each([
    ['diamond', 'ok: diamond: 4 tasks, 4 edges, 1 sources, 1 sinks, depth 3'],
    ['gemm-2x2', 'ok: gemm-2x2: 20 tasks, 24 edges, 8 sources, 4 sinks, depth 3'],
    ['tree-reduction-16', 'ok: tree-reduction-16: 31 tasks, 30 edges, 16 sources, 1 sinks, depth 5'],
  ])('%s: exit 0 and a one-line summary', (example, line) => {
    const run = wukong(['validate', `workloads/examples/${example}.json`]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${line}\n`);
    expect(run.stderr).toBe('');
  });

  it('--json prints the same figures as an object', () => {
    const run = wukong(['validate', 'workloads/examples/tree-reduction-16.json', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, name: 'tree-reduction-16', tasks: 31, edges: 30, sources: 16, sinks: 1, depth: 5 });
  });

  it('the examples are what they say: gemm outputs the 4 C blocks, the tree sums 16 leaves', () => {
    const gemm = JSON.parse(readFileSync('workloads/examples/gemm-2x2.json', 'utf8')) as { outputs: string[]; tasks: { op: string }[] };
    expect(gemm.outputs).toEqual(['c-0-0', 'c-0-1', 'c-1-0', 'c-1-1']);
    expect(gemm.tasks.filter((t) => t.op === 'matrix.matmul')).toHaveLength(8);
    const tree = JSON.parse(readFileSync('workloads/examples/tree-reduction-16.json', 'utf8')) as { tasks: { op: string; args?: { rows?: number } }[] };
    expect(tree.tasks.filter((t) => t.op === 'matrix.random' && t.args?.rows === 1)).toHaveLength(16);
    expect(tree.tasks.filter((t) => t.op === 'matrix.add')).toHaveLength(15);
  });

  it.each([
    ['duplicate-id', '[a] duplicate-id: task id "a" is used more than once'],
    ['unknown-dep', '[b, ghost] unknown-dep: task b depends on "ghost", which is no task'],
    ['self-dep', '[a] self-dep: task a depends on itself'],
    ['bad-output-ref', '[use-bare, qr-1] bad-output-ref: "qr-1": matrix.qr has 2 outputs; name one: qr-1#0, qr-1#1'],
    ['cycle', '[a, b, c] cycle: a -> b -> c -> a'],
    ['unknown-op', '[mul] unknown-op: task mul: unknown op "matrix.matmull"; did you mean "matrix.matmul"?'],
    ['bad-args', '[r] bad-args: task r (matrix.random): args.rows:'],
    ['bad-arity', '[t] bad-arity: matrix.matmul takes exactly 2 inputs, task t has 3'],
    ['unknown-output', '[nope] unknown-output: outputs names "nope", which is no task'],
    ['empty', 'empty: the DAG has no tasks'],
    ['schema-errors', '[a] schema: tasks[0].deps: Invalid input: expected array, received string'],
    ['not-json', 'not-json: not valid JSON at line 2, column 1 (offset 12): found end of input'],
  ])('%s: exit 2, the problem on stderr with its task ids, nothing on stdout', (name, line) => {
    const run = wukong(['validate', fixture(name)]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^wukong: invalid DAG ${fixture(name).replace(/[.]/g, '\\.')}: \\d+ problems?$`, 'm'));
    expect(run.stderr.split('\n').map((l) => l.trim())).toContainEqual(expect.stringContaining(line));
    expect(run.stderr).not.toMatch(STACK_LINE);
  });

  it('lists every problem of a DAG with many, one a line', () => {
    const run = wukong(['validate', fixture('many-problems')]);
    expect(run.code).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines[0]).toBe(`wukong: invalid DAG ${fixture('many-problems')}: 10 problems`);
    const codes = lines.slice(1).map((l) => /^ {2}(?:\[[^\]]*\] )?([a-z-]+):/.exec(l)?.[1]);
    expect(codes).toEqual(['duplicate-id', 'unknown-op', 'bad-arity', 'bad-args', 'unknown-dep', 'self-dep', 'bad-output-ref', 'bad-output-ref', 'unknown-output', 'cycle']);
    expect(lines).toContain('  [x, y, z] cycle: x -> y -> z -> x');
  });

  it('--json on bad input prints { ok: false, problems } on stdout and still exits 2', () => {
    const run = wukong(['validate', fixture('many-problems'), '--json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { ok: boolean; problems: { code: string; message: string; taskIds: string[] }[] };
    expect(result.ok).toBe(false);
    expect(result.problems).toHaveLength(10);
    expect(result.problems).toContainEqual({ code: 'unknown-dep', message: 'task e depends on "ghost", which is no task', taskIds: ['e', 'ghost'] });
    const notJson = wukong(['validate', fixture('not-json'), '--json']);
    expect(notJson.code).toBe(2);
    expect(JSON.parse(notJson.stdout)).toMatchObject({ ok: false, problems: [{ code: 'not-json' }] });
  });

  it.each([
    [fixture('bad-utf8'), 'wukong: test/fixtures/dags/bad-utf8.json is not valid UTF-8 (first bad byte at offset 0); it looks like UTF-16; save it as UTF-8'],
    [fixture('missing'), 'wukong: no such file: test/fixtures/dags/missing.json'],
    ['test/fixtures/dags', 'wukong: test/fixtures/dags is a directory, not a DAG file'],
  ])('%s: exit 2 with one clear line', (file, line) => {
    const run = wukong(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${line}\n`);
    expect(run.stdout).toBe('');
  });

  it('names the offset of the first bad byte in a file that is not UTF-8', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-validate-'));
    const file = join(dir, 'latin1.json');
    writeFileSync(file, Buffer.concat([Buffer.from('{"name": "caf'), Buffer.from([0xe9]), Buffer.from('", "tasks": []}')]));
    const run = wukong(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not valid UTF-8 (first bad byte at offset 13); save it as UTF-8');
  });

  it('validates a 20,000-task generated DAG', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-validate-'));
    const file = join(dir, 'chain.json');
    const n = 20_000;
    const tasks = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, op: 'synthetic.work', args: { ms: 0 }, ...(i > 0 ? { deps: [`t${i - 1}`] } : {}) }));
    writeFileSync(file, JSON.stringify({ name: 'chain', tasks }));
    const run = wukong(['validate', file]);
    expect(run.stdout).toBe(`ok: chain: ${n} tasks, ${n - 1} edges, 1 sources, 1 sinks, depth ${n}\n`);
    expect(run.code).toBe(0);
  });

  it('WUKONG_DEBUG=1 adds the stack trace; without it there is none', () => {
    const quiet = wukong(['validate', fixture('missing')]);
    expect(quiet.stderr).not.toMatch(STACK_LINE);
    const debug = wukong(['validate', fixture('missing')], { WUKONG_DEBUG: '1' });
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(STACK_LINE);
    expect(debug.stderr).toContain('wukong: no such file: test/fixtures/dags/missing.json');
  });
});

describe('wukong (e2e)', () => {
  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
    const run = wukong(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`${version}\n`);
  });

  it('--help lists the commands, exit codes and an example', () => {
    const run = wukong(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Usage: wukong /);
    expect(run.stdout).toMatch(/^ {2}validate \[options\] <dag>/m);
    expect(run.stdout).toContain('Exit status: 0 success, 2 bad input');
    expect(run.stdout).toContain('wukong validate workloads/examples/gemm-2x2.json');
    const sub = wukong(['validate', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain('--json');
  });

  it('usage errors exit 2 with a `wukong:` line and a pointer to --help', () => {
    const unknownOption = wukong(['validate', 'workloads/examples/diamond.json', '--frobnicate']);
    expect(unknownOption.code).toBe(2);
    expect(unknownOption.stderr).toMatch(/^wukong: unknown option '--frobnicate'$/m);
    expect(unknownOption.stderr).toContain('(run with --help for usage)');
    const missingArgument = wukong(['validate']);
    expect(missingArgument.code).toBe(2);
    expect(missingArgument.stderr).toMatch(/^wukong: missing required argument 'dag'$/m);
    const unknownCommand = wukong(['valdate', 'x.json']);
    expect(unknownCommand.code).toBe(2);
    expect(unknownCommand.stderr).toMatch(/^wukong: unknown command 'valdate'/m);
    // With --help after it too: the typo is reported, not hidden behind the main help and exit 0.
    const unknownWithHelp = wukong(['valdate', '--help']);
    expect(unknownWithHelp.code).toBe(2);
    expect(unknownWithHelp.stderr).toMatch(/^wukong: unknown command 'valdate'/m);
    expect(unknownWithHelp.stdout).toBe('');
    for (const run of [unknownOption, missingArgument, unknownCommand, unknownWithHelp]) expect(run.stderr).not.toMatch(STACK_LINE);
  });
});
