import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '../../src/runtime/keys.js';
import { RedisCoordinator } from '../../src/storage/redis/redis-coordinator.js';
import { RedisIntermediateStore } from '../../src/storage/redis/redis-intermediate-store.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

function wukong(args: string[]) {
  const result = spawnSync(process.execPath, [join(process.cwd(), 'bin/wukong.js'), ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Leaves the keys and objects a crashed client would leave behind. */
async function leftoverRun(coordinator: RedisCoordinator, store: RedisIntermediateStore, runId: string): Promise<void> {
  const keys = runKeys(runId);
  await coordinator.setValue(keys.spec, '{}');
  await coordinator.markFanIn(keys.fanIn('c'), 'a', 2);
  await coordinator.send(keys.clientInbox, 'x');
  await store.put(keys.output('a', 0), new Uint8Array([1, 2, 3]));
}

describe('wukong gc (e2e, real redis-server)', () => {
  let redis: RedisServerHandle;
  let coordinator: RedisCoordinator;
  let store: RedisIntermediateStore;
  beforeAll(async () => {
    redis = await startRedisServer();
    coordinator = new RedisCoordinator(redis.url);
    store = new RedisIntermediateStore(redis.url);
  });
  afterAll(async () => {
    await coordinator.close();
    await store.close();
    await redis.stop();
  });

  it('removes one run by id and leaves others alone', async () => {
    const old = `${(Date.now() - 3 * 3_600_000).toString(36)}-00000001`;
    const fresh = `${Date.now().toString(36)}-00000002`;
    await leftoverRun(coordinator, store, old);
    await leftoverRun(coordinator, store, fresh);
    const result = wukong(['gc', '--run', fresh, '--redis', redis.url, '--json']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ removed: [{ runId: fresh, coordinationKeys: 3, objects: 1 }] });
    expect(await coordinator.keys(`wk:${fresh}:`)).toEqual([]);
    expect(await store.has(runKeys(fresh).output('a', 0))).toBe(false);
    expect((await coordinator.keys(`wk:${old}:`)).length).toBe(3); // spec, fan-in marks, inbox
  });

  it('--older-than removes only runs created before the cut-off', async () => {
    const old = `${(Date.now() - 3 * 3_600_000).toString(36)}-0000000a`;
    const fresh = `${Date.now().toString(36)}-0000000b`;
    await leftoverRun(coordinator, store, old);
    await leftoverRun(coordinator, store, fresh);
    const result = wukong(['gc', '--older-than', '2h', '--redis', redis.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`removed run ${old}`);
    expect(result.stdout).not.toContain(fresh);
    expect(await coordinator.getValue(runKeys(fresh).spec)).toBe('{}');
    expect(await coordinator.getValue(runKeys(old).spec)).toBeUndefined();
  });

  it('says what is missing (exit 2)', () => {
    expect(wukong(['gc', '--run', 'x']).code).toBe(2);
    expect(wukong(['gc', '--redis', redis.url]).code).toBe(2);
    expect(wukong(['gc', '--redis', redis.url, '--older-than', 'soon']).stderr).toMatch(/--older-than must be a duration/);
    // An option where the id belongs is not taken for the id.
    const optionAsId = wukong(['gc', '--redis', redis.url, '--run', '--force']);
    expect(optionAsId.code).toBe(2);
    expect(optionAsId.stderr).toBe('wukong: --run needs a run id, got the option "--force"\n');
  });

  it('a run id with nothing stored says so, not "removed"', () => {
    const result = wukong(['gc', '--run', 'no-such-run', '--redis', redis.url]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('run no-such-run: nothing to remove (no keys or objects of that run)\n');
  });
});
