import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runKeys } from '../../src/runtime/keys.js';
import { lambdaStores, type LambdaConfig } from '../../src/runtime/lambda-config.js';
import { createExecutorStores } from '../../src/runtime/store-factory.js';
import { startRedisServer, type RedisServerHandle } from '../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../helpers/s3rver.js';
import { runWukong } from '../helpers/wukong-cli.js';

/**
 * `wukong gc --lambda-config`: a Lambda deployment's leftovers are its Redis keys and its bucket's
 * objects (a user audit found gc, given only --redis, left a Lambda run's S3 objects behind and
 * could not find them later). With the config, gc opens the same stores the run's client used.
 */
describe('wukong gc --lambda-config (e2e, real redis-server and s3rver)', () => {
  let redis: RedisServerHandle;
  let s3: S3rverHandle;
  let configFile: string;
  let config: LambdaConfig;
  beforeAll(async () => {
    [redis, s3] = await Promise.all([startRedisServer(), startS3rver('wukong-gc-test')]);
    config = {
      version: 1,
      region: 'us-east-1',
      functionsByTier: { '1769': 'wukong-executor' },
      bucket: s3.bucket,
      redisUrl: redis.url,
      endpoints: { s3: s3.endpoint },
      credentials: { ...s3.credentials },
    };
    configFile = join(mkdtempSync(join(tmpdir(), 'wk-gc-lambda-')), 'lambda.json');
    writeFileSync(configFile, JSON.stringify(config));
  });
  afterAll(async () => {
    await Promise.all([redis?.stop(), s3?.stop()]);
  });

  it("removes a run's Redis keys and its objects in the deployment's bucket", async () => {
    const runId = `${Date.now().toString(36)}-0000abcd`;
    const stores = await createExecutorStores(lambdaStores(config, 3_600));
    try {
      await stores.coordinator.setValue(runKeys(runId).spec, '{}');
      await stores.store.put(runKeys(runId).output('a', 0), new Uint8Array([1, 2, 3]));
      const run = runWukong(['gc', '--lambda-config', configFile, '--run', runId, '--json']);
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual({ removed: [{ runId, coordinationKeys: 1, objects: 1 }] });
      expect(await stores.store.has(runKeys(runId).output('a', 0))).toBe(false);
      expect(await stores.coordinator.getValue(runKeys(runId).spec)).toBeUndefined();
    } finally {
      await stores.store.close();
      await stores.coordinator.close();
    }
  });

  it('--lambda-config with --redis is refused; with neither, gc says what it needs', () => {
    const both = runWukong(['gc', '--lambda-config', configFile, '--redis', redis.url, '--run', 'x']);
    expect(both.code).toBe(2);
    expect(both.stderr).toBe('wukong: give --lambda-config or --redis / --s3-bucket, not both\n');
    const neither = runWukong(['gc', '--run', 'x']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toMatch(/--lambda-config for a Lambda deployment/);
  });
});
