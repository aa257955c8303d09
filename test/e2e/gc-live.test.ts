import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '../../src/runtime/keys.js';
import { RedisCoordinator } from '../../src/storage/redis/redis-coordinator.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { WUKONG_BIN, runWukong } from '../helpers/wukong-cli.js';



const wukong = (args: string[]) => runWukong(args);

describe('wukong gc and live runs, orphans (e2e, real redis-server)', () => {
  let redis: RedisServerHandle;
  let coordinator: RedisCoordinator;
  beforeAll(async () => {
    redis = await startRedisServer();
    coordinator = new RedisCoordinator(redis.url);
  });
  afterAll(async () => {
    await coordinator.close();
    await redis.stop();
  });

  it('refuses to remove a run whose client still follows it, unless --force; removes it once it ended', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wukong-gc-live-'));
    const dag = join(dir, 'slow.json');
    writeFileSync(dag, JSON.stringify({ tasks: [{ id: 'a', op: 'synthetic.work', args: { ms: 4000, mode: 'sleep' } }, { id: 'b', op: 'synthetic.work', args: { ms: 0 }, deps: ['a'] }] }));
    const child = spawn(process.execPath, [WUKONG_BIN, 'submit', dag, '--redis', redis.url, '--no-metadata'], { stdio: 'ignore' });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    let runId: string | undefined;
    let childExited = false;
    void exited.then(() => (childExited = true));
    // Poll until the run's live key appears: the CLI's start-up is seconds on a loaded machine, so
    // the bound is the child's own lifetime (its task sleeps 4 s once started) or 45 s.
    for (const started = Date.now(); runId === undefined && !childExited && Date.now() - started < 45_000; ) {
      runId = (await coordinator.keys('wk:')).find((key) => key.endsWith(':live'))?.slice('wk:'.length, -':live'.length);
      if (runId === undefined) await sleep(50);
    }
    expect(runId).toBeDefined();
    const id = runId as string;

    const refused = wukong(['gc', '--run', id, '--redis', redis.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`run ${id} is live: its client was seen`);
    expect(refused.stderr).toContain('--force');
    const sweep = wukong(['gc', '--older-than', '1ms', '--redis', redis.url, '--json']);
    expect(sweep.code).toBe(0);
    expect(JSON.parse(sweep.stdout)).toEqual({ removed: [], skippedLive: [id] });
    expect(await coordinator.getValue(runKeys(id).spec)).toBeDefined();

    expect(await exited).toBe(0);
    const removed = wukong(['gc', '--run', id, '--redis', redis.url]);
    expect(removed.code).toBe(0);
    // No longer refused as live: what is left of it goes (the client's own clean-up has usually
    // taken everything, and gc then says there was nothing to remove).
    expect(removed.stdout).toMatch(new RegExp(`^(removed run ${id}: |run ${id}: nothing to remove)`));
    expect(await coordinator.keys(`wk:${id}:`)).toEqual([]);
  });

  it('--force removes a live run', async () => {
    const id = `${Date.now().toString(36)}-0000f0ce`;
    await coordinator.setValue(runKeys(id).spec, '{}');
    await coordinator.setValue(runKeys(id).live, JSON.stringify({ state: 'running', heartbeatAt: Date.now() }));
    expect(wukong(['gc', '--run', id, '--redis', redis.url]).code).toBe(2);
    const forced = wukong(['gc', '--run', id, '--redis', redis.url, '--force']);
    expect(forced.code).toBe(0);
    expect(await coordinator.keys(`wk:${id}:`)).toEqual([]);
  });

  it('--older-than finds orphans: keys an executor re-created after its run was collected, with no spec key', async () => {
    const orphan = `${(Date.now() - 3 * 3_600_000).toString(36)}-000000ab`;
    await coordinator.markFanIn(runKeys(orphan).fanIn('c'), 'a', 2);
    await coordinator.send(runKeys(orphan).clientInbox, 'late');
    const result = wukong(['gc', '--older-than', '2h', '--redis', redis.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`removed run ${orphan}: 2 keys`);
    expect(await coordinator.keys(`wk:${orphan}:`)).toEqual([]);
  });
});
