import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const bin = join(process.cwd(), 'bin/wukong.js');
const wukong = (args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('CLI messages a newcomer meets (e2e)', () => {
  it('one mistake repeated in a big DAG prints 20 lines and a count, not every line', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-msg-'));
    const taskCount = 5_000;
    const tasks = Array.from({ length: taskCount }, (_, i) => ({ id: `t${i}`, op: 'synthetic.work', args: { ms: 1 }, deps: ['nosuch'] }));
    const file = join(dir, 'big.json');
    writeFileSync(file, JSON.stringify({ tasks }));
    const run = wukong(['validate', file]);
    expect(run.status).toBe(2);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines.length).toBe(1 + 20 + 1);
    expect(lines.at(-1)).toMatch(new RegExp(`\\.\\.\\. and ${(taskCount - 20).toLocaleString('en-US')} more`));
  });

  it('suggests the closest task id for an unknown dep', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-msg-'));
    const file = join(dir, 'typo.json');
    writeFileSync(file, JSON.stringify({ tasks: [{ id: 'matrix-a', op: 'synthetic.work', args: { ms: 1 } }, { id: 'b', op: 'synthetic.work', args: { ms: 1 }, deps: ['matrx-a'] }] }));
    const run = wukong(['validate', file]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/depends on "matrx-a", which is no task; did you mean "matrix-a"\?/);
  });

  it('suggests the closest planner', () => {
    const run = wukong(['plan', 'workloads/examples/diamond.json', '--planner', 'unifrom']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown planner "unifrom".*did you mean "uniform"\?/);
  });

  it("an op's typed error reaches the user under its class name from an executor thread (the thread bundle keeps names)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'wk-msg-'));
    const file = join(dir, 'bad-matmul.json');
    const random = (id: string, seed: number) => ({ id, op: 'matrix.random', args: { rows: 2, cols: 3, seed } });
    writeFileSync(file, JSON.stringify({ tasks: [random('a', 1), random('b', 2), { id: 'c', op: 'matrix.matmul', deps: ['a', 'b'] }] }));
    const run = wukong(['submit', file, '--no-metadata']);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/task c \(op matrix\.matmul\) failed: OpInputError: matrix\.matmul: inner dimensions differ: 2x3 \* 2x3/);
  });

  it('replay --list | head exits quietly (no EPIPE stack trace)', () => {
    // `true` closes the pipe before the CLI has started, so every write meets EPIPE (head -1 may not: the list fits a pipe buffer).
    const run = spawnSync('bash', ['-c', `set -o pipefail; node ${JSON.stringify(bin)} replay --list | true`], { encoding: 'utf8', timeout: 60_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });
});
