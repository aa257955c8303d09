import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { MEMORY_STORES, type StoreConfig } from '../../../src/runtime/store-config.js';
import { DEFAULT_TTL_SECONDS } from '../../../src/storage/coordinator.js';
import { startRedisServer, type RedisServerHandle } from '../../helpers/redis-server.js';
import { startS3rver, type S3rverHandle } from '../../helpers/s3rver.js';

/** One store set-up the table tests run on, and where its data sources live. */
export interface StoreCase {
  readonly name: string;
  stores(): StoreConfig;
  /** A local directory (created), or s3://bucket/prefix on the test's s3rver. */
  dataRoot(): Promise<string>;
}

/**
 * Memory, Redis, and S3 intermediates (s3rver, Redis coordinating; sources in s3rver too), with a
 * redis-server and an s3rver of the calling test file's own on free ports. Sources in S3 are read
 * with the SDK's endpoint variable and credentials, which executor threads inherit from here.
 */
export function tableStoreCases(): readonly StoreCase[] {
  let redis: RedisServerHandle;
  let s3: S3rverHandle;
  let dir: string;
  const savedEnv = { ...process.env };
  beforeAll(async () => {
    [redis, s3, dir] = await Promise.all([startRedisServer(), startS3rver('wukong-tables'), mkdtemp(join(tmpdir(), 'table-stores-'))]);
    Object.assign(process.env, { AWS_ENDPOINT_URL_S3: s3.endpoint, AWS_ACCESS_KEY_ID: s3.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: s3.credentials.secretAccessKey, AWS_REGION: 'us-east-1' });
  }, 60_000);
  afterAll(async () => {
    process.env = savedEnv;
    await Promise.all([redis?.stop(), s3?.stop(), dir ? rm(dir, { recursive: true, force: true }) : undefined]);
  });
  const localRoot = (name: string) => async () => {
    const root = join(dir, name);
    await mkdir(root, { recursive: true });
    return root;
  };
  return [
    { name: 'memory', stores: () => MEMORY_STORES, dataRoot: localRoot('memory') },
    { name: 'redis', stores: () => ({ coordinator: { kind: 'redis', url: redis.url }, intermediate: { kind: 'redis', url: redis.url }, ttlSeconds: DEFAULT_TTL_SECONDS }), dataRoot: localRoot('redis') },
    {
      name: 's3 (sources in s3rver too)',
      stores: () => ({
        coordinator: { kind: 'redis', url: redis.url },
        intermediate: { kind: 's3', bucket: s3.bucket, endpoint: s3.endpoint, forcePathStyle: true, credentials: s3.credentials },
        ttlSeconds: DEFAULT_TTL_SECONDS,
      }),
      dataRoot: () => Promise.resolve(`s3://${s3.bucket}/data`),
    },
  ];
}
