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
    const run = wukong(['submit', dag, '--out', join(dir, 'a', 'b', 'out')], dir);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('task id "../../esc"');
    expect(existsSync(join(dir, 'a', 'esc.arrow'))).toBe(false);
    expect(readdirSync(join(dir, 'a'))).toEqual(['b']);
  });
});
