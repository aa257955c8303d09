import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Runs the built CLI (`npm run build` first) as a user would: a child process, real files. */
function wukong(args: string[], cwd = process.cwd()) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, WUKONG_DEBUG: '' },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeJson(dir: string, name: string, value: unknown): string {
  const file = join(dir, name);
  writeFileSync(file, JSON.stringify(value));
  return file;
}

describe('hostile input at the CLI (e2e)', () => {
  it('a task id that climbs out of --out is refused at validation: exit 2, the id named, nothing written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wukong-hostile-'));
    mkdirSync(join(dir, 'a', 'b'), { recursive: true });
    const dag = writeJson(dir, 'dag.json', { tasks: [{ id: '../../esc', op: 'synthetic.work', args: { ms: 0 } }] });
    const run = wukong(['submit', dag, '--output-dir', join(dir, 'a', 'b', 'out')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('task id "../../esc"');
    expect(existsSync(join(dir, 'a', 'esc.arrow'))).toBe(false);
    expect(readdirSync(join(dir, 'a'))).toEqual(['b']);
  });

  it.each([['wukong'], ['uniform'], ['heft']])('__proto__ as a task id runs on the embedded backend, planner %s, and its output is written', (planner) => {
    const dir = mkdtempSync(join(tmpdir(), 'wukong-proto-'));
    const work = (id: string, deps?: string[]) => ({ id, op: 'synthetic.work', args: { ms: 1, outputBytes: 16 }, ...(deps ? { deps } : {}) });
    const dag = writeJson(dir, 'dag.json', { tasks: [work('__proto__'), work('constructor', ['__proto__']), work('sink', ['__proto__', 'constructor'])], outputs: ['__proto__', 'sink'] });
    const run = wukong(['submit', dag, '--planner', planner, '--output-dir', join(dir, 'out'), '--workers', '2'], dir);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['__proto__.arrow', 'sink.arrow']);
  });
});
