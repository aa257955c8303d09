import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
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

function waitUntil(done: () => boolean, timeoutMs = 5_000): void {
  const deadline = Date.now() + timeoutMs;
  while (!done() && Date.now() < deadline) spawnSync('sleep', ['0.05']);
}

/** A port nothing listens on (just released by the OS). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
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
    if (pids.some(running)) wukong(['local', 'down', '--discard-history'], dir);
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

    // gc finds the project's Lambda config by itself, as submit does, from a subdirectory too.
    const gc = wukong(['gc', '--older-than', '1s', '--json'], sub);
    expect(gc.code, gc.stderr).toBe(0);
    expect(gc.stderr).toContain(`gc uses the stores of ${join(dir, '.wukong/lambda.json')}`);
    // A relative --lambda-config resolves against the working directory: the message names the
    // absolute path tried and the local way to get a config.
    const missing = wukong(['gc', '--older-than', '1s', '--lambda-config', '.wukong/lambda.json'], sub);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no Lambda config at ${join(sub, '.wukong/lambda.json')}`);
    expect(missing.stderr).toContain('wukong local up');

    // The stack's redis-server keeps the runs' history in memory only: `down` refuses to drop it
    // silently, says how many records and how to keep them, and stops nothing.
    const refused = wukong(['local', 'down'], dir);
    expect(refused.code).toBe(2);
    const held = /holds (\d+) metadata records/.exec(refused.stderr);
    expect(Number(held?.[1])).toBeGreaterThan(0);
    expect(refused.stderr).toContain(`wukong metadata export FILE --metadata ${state.redisUrl}`);
    expect(refused.stderr).toContain('wukong local down --keep-history FILE');
    for (const pid of pids) expect(running(pid), `pid ${pid} stopped by a refused down`).toBe(true);

    const kept = join(dir, 'history.jsonl');
    const down = wukong(['local', 'down', '--keep-history', kept], dir);
    expect(down.code, down.stderr).toBe(0);
    const exported = /exported (\d+) records/.exec(down.stdout);
    expect(exported?.[1]).toBe(held?.[1]);
    expect(readFileSync(kept, 'utf8').trim().split('\n')).toHaveLength(Number(exported?.[1]));
    expect(down.stdout).toMatch(/stopped .*emulator.*s3rver.*redis/);
    for (const pid of pids) expect(running(pid), `pid ${pid} still runs`).toBe(false);
    expect(existsSync(join(dir, '.wukong/lambda.json'))).toBe(false);
    expect(wukong(['local', 'status'], dir).stdout).toMatch(/no local stack/);
  });

  it('a partly stopped stack: status exits 1 naming the stopped piece, up says how to restart, down cleans up', () => {
    const up = wukong(['local', 'up', '--json'], dir);
    expect(up.code, up.stderr).toBe(0);
    const state = JSON.parse(up.stdout) as StateJson;
    pids = state.processes.map((p) => p.pid);
    const emulator = state.processes.find((p) => p.name === 'emulator') as StateJson['processes'][number];
    process.kill(-emulator.pid, 'SIGKILL');
    waitUntil(() => !running(emulator.pid));

    const status = wukong(['local', 'status'], dir);
    expect(status.code).toBe(1);
    expect(status.stdout).toMatch(/emulator +STOPPED/);
    expect(status.stderr).toContain(`emulator (pid ${emulator.pid}) stopped`);
    expect(status.stderr).toContain('`wukong local down`, then `wukong local up`');
    const json = wukong(['local', 'status', '--json'], dir);
    expect(json.code).toBe(1);
    expect((JSON.parse(json.stdout) as StateJson).processes.find((p) => p.name === 'emulator')?.running).toBe(false);

    const again = wukong(['local', 'up'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/partly up .*emulator \(pid \d+\) stopped; restart it: `wukong local down`, then `wukong local up`/);

    // No run recorded history here, so down needs no --keep-history.
    const down = wukong(['local', 'down'], dir);
    expect(down.code, down.stderr).toBe(0);
    for (const pid of pids) expect(running(pid), `pid ${pid} still runs`).toBe(false);
    expect(wukong(['local', 'status'], dir).code).toBe(0);
  });

  it('up --redis with a URL where no Redis answers exits 2 naming it, and starts nothing', async () => {
    const port = await closedPort();
    const up = wukong(['local', 'up', '--redis', `redis://127.0.0.1:${port}`], dir);
    expect(up.code).toBe(2);
    expect(up.stderr).toContain(`--redis: no Redis answers at redis://127.0.0.1:${port}`);
    expect(up.stdout).toBe('');
    expect(existsSync(join(dir, '.wukong/local/state.json'))).toBe(false);
    expect(existsSync(join(dir, '.wukong/lambda.json'))).toBe(false);
  });
});
