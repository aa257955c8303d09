import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('wukong validate (e2e)', () => {
  it('prints a one-line summary for a valid DAG', () => {
    const run = wukong(['validate', 'workloads/examples/gemm-2x2.json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('ok: gemm-2x2: 20 tasks, 24 edges, 8 sources, 4 sinks, depth 3\n');
  });

  it('--json prints the same figures as an object', () => {
    const run = wukong(['validate', 'workloads/examples/tree-reduction-16.json', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ ok: true, name: 'tree-reduction-16', tasks: 31, edges: 30, sources: 16, sinks: 1, depth: 5 });
  });

  it('lists every problem on stderr, with task ids, exit 2, no stack trace', () => {
    const run = wukong(['validate', 'test/fixtures/dags/many-problems.json']);
    expect(run.code).toBe(2);
    for (const code of ['duplicate-id', 'unknown-op', 'bad-arity', 'bad-args', 'unknown-dep', 'self-dep', 'bad-output-ref', 'unknown-output', 'cycle']) {
      expect(run.stderr).toContain(`${code}:`);
    }
    expect(run.stderr).toContain('[e, ghost] unknown-dep');
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.stdout).toBe('');
  });

  it.each([
    ['test/fixtures/dags/not-json.json', /not valid JSON/],
    ['test/fixtures/dags/bad-utf8.json', /not valid UTF-8/],
    ['test/fixtures/dags/empty.json', /no tasks/],
    ['test/fixtures/dags/schema-errors.json', /Unrecognized key/],
    ['test/fixtures/dags/missing.json', /no such file: test\/fixtures\/dags\/missing\.json/],
  ])('%s: exit 2 with a clear message', (file, message) => {
    const run = wukong(['validate', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('--json on bad input prints the problems on stdout and still exits 2', () => {
    const run = wukong(['validate', 'test/fixtures/dags/empty.json', '--json']);
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ ok: false, problems: [{ code: 'empty' }] });
  });
});
