import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '../../src/runtime/keys.js';
import { RedisCoordinator } from '../../src/storage/redis/redis-coordinator.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';

/**
 * RELIABILITY.md's bound for a coordination store that stops answering mid-run: the run client
 * gives a store 10 s to answer (CLIENT_REPLY_TIMEOUT_MS), closing waits 2 s (CLOSE_WAIT_MS) and
 * the process ends 1 s after its command (EXIT_GRACE_MS); 20 s leaves room for a loaded machine.
 * Before, a SIGSTOPped Redis held `submit` for 184 s.
 */
const FROZEN_BOUND_MS = 20_000;

describe('a Redis frozen mid-run (e2e, real redis-server, SIGSTOP)', () => {
  let redis: RedisServerHandle;
  let coordinator: RedisCoordinator;
  beforeAll(async () => {
    redis = await startRedisServer();
    coordinator = new RedisCoordinator(redis.url);
  });
  afterAll(async () => {
    redis.signal('SIGCONT');
    await coordinator.close();
    await redis.stop();
  });

  it('fails the run within the stated bound, naming Redis', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wukong-frozen-'));
    const tasks = Array.from({ length: 12 }, (_, i) => ({ id: `t${i}`, op: 'synthetic.work', args: { ms: 300, mode: 'sleep' }, ...(i > 0 ? { deps: [`t${i - 1}`] } : {}) }));
    writeFileSync(join(dir, 'chain.json'), JSON.stringify({ tasks }));
    const child = spawn(process.execPath, [join(process.cwd(), 'bin/wukong.js'), 'submit', 'chain.json', '--redis', redis.url, '--no-metadata', '--deadline', '10m'], { cwd: dir });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));

    // Mid-run: the spec is stored and the executors are working through the chain.
    let runId: string | undefined;
    for (let i = 0; i < 400 && runId === undefined; i += 1) {
      runId = (await coordinator.keys('wk:')).find((key) => key.endsWith(':spec'))?.slice('wk:'.length, -':spec'.length);
      if (runId === undefined) await sleep(25);
    }
    expect(runId).toBeDefined();
    expect(await coordinator.getValue(runKeys(runId as string).spec)).toBeDefined();
    await sleep(500);
    const frozenAt = Date.now();
    redis.signal('SIGSTOP');
    const code = await exited;
    const afterFreezeMs = Date.now() - frozenAt;
    redis.signal('SIGCONT');

    expect(code).toBe(1);
    expect(stderr).toContain(`redis 127.0.0.1:${redis.port}`);
    if (process.env.WUKONG_TEST_VERBOSE) console.log(`exit ${afterFreezeMs} ms after SIGSTOP: ${stderr.trim()}`);
    expect(afterFreezeMs).toBeLessThan(FROZEN_BOUND_MS);
  });
});
