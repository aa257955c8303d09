import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
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
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'wk-local-')));
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
    // The config carries where the executors record metadata: the stack's Redis.
    const lambdaJson = JSON.parse(readFileSync(join(dir, '.wukong/lambda.json'), 'utf8')) as { metadataUrl?: string };
    expect(lambdaJson.metadataUrl).toBe(state.redisUrl);

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
    // From a subdirectory the config resolves from the project root, and with no --metadata the run
    // plans from the Redis history and records there (no local .wukong/metadata is written).
    const sub = join(dir, 'jobs', 'nightly');
    mkdirSync(sub, { recursive: true });
    const fromSub = wukong(['submit', join(repo, 'workloads/examples/gemm-2x2.json'), '--backend', 'lambda', '--json'], sub);
    expect(fromSub.code, fromSub.stderr).toBe(0);
    expect(fromSub.stderr).toContain(`project state in ${join(dir, '.wukong')}`);
    const history = wukong(['metadata', 'stats', '--metadata', state.redisUrl, '--json'], dir);
    expect(history.code, history.stderr).toBe(0);
    expect((JSON.parse(history.stdout) as { taskKeys: unknown[] }).taskKeys.length).toBeGreaterThan(0);
    expect(existsSync(join(dir, '.wukong/metadata'))).toBe(false);
    expect(existsSync(join(sub, '.wukong'))).toBe(false);
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
