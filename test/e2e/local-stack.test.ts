import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repo = process.cwd();

/** The CLI as a user runs it, in a fresh directory, with no AWS_* variables at all. */
function wukong(args: string[], cwd: string) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('AWS_')));
  const result = spawnSync(process.execPath, [join(repo, 'bin/wukong.js'), ...args], { cwd, env, encoding: 'utf8', timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Alive and not a zombie waiting for its reaper. */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

interface StateJson {
  processes: { name: string; pid: number; url: string; running: boolean }[];
  redisUrl: string;
}

describe('wukong local up | down | status (e2e)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'wk-local-'));
  let pids: number[] = [];
  afterAll(() => {
    // A failed assertion must not leave the stack running.
    if (pids.some(running)) wukong(['local', 'down'], dir);
  });

  it('up, submit --backend lambda with no flags and no AWS_* env, down: no process left', () => {
    const up = wukong(['local', 'up', '--json'], dir);
    expect(up.stderr).not.toMatch(/NodeVersionSupportWarning|unexpected error/);
    expect(up.code).toBe(0);
    const state = JSON.parse(up.stdout) as StateJson;
    pids = state.processes.map((p) => p.pid);
    expect(state.processes.map((p) => p.name).sort()).toEqual(['emulator', 'redis', 's3rver']);
    // A free port, never the machine's own Redis.
    expect(state.redisUrl).not.toMatch(/:6379$/);
    for (const pid of pids) expect(running(pid)).toBe(true);
    expect(existsSync(join(dir, '.wukong/lambda.json'))).toBe(true);

    const status = wukong(['local', 'status', '--json'], dir);
    expect((JSON.parse(status.stdout) as StateJson).processes.every((p) => p.running)).toBe(true);
    const again = wukong(['local', 'up'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already up/);

    const submit = wukong(['submit', join(repo, 'workloads/examples/gemm-2x2.json'), '--backend', 'lambda', '--json'], dir);
    expect(submit.stderr).not.toMatch(/NodeVersionSupportWarning/);
    expect(submit.code).toBe(0);
    const summary = JSON.parse(submit.stdout) as { ok: boolean; backend?: string; tasks?: number };
    expect(summary.ok).toBe(true);
    const emulatorLog = readFileSync(join(dir, '.wukong/local/emulator.log'), 'utf8');
    expect(emulatorLog).not.toMatch(/NodeVersionSupportWarning/);

    const down = wukong(['local', 'down'], dir);
    expect(down.code).toBe(0);
    expect(down.stdout).toMatch(/stopped .*emulator.*s3rver.*redis/);
    for (const pid of pids) expect(running(pid), `pid ${pid} still runs`).toBe(false);
    expect(existsSync(join(dir, '.wukong/lambda.json'))).toBe(false);
    expect(wukong(['local', 'status'], dir).stdout).toMatch(/no local stack/);
  });
});
