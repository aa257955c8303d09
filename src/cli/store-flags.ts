import { DEFAULT_TTL_SECONDS } from '../storage/coordinator.js';
import { BadInputError } from '../model/errors.js';
import { StoreConfigSchema, type StoreConfig } from '../runtime/store-config.js';
import { withRedisCaFile } from '../storage/redis/redis-url.js';
import type { OptionGroup } from './option-group.js';

export interface StoreFlags {
  redis?: string;
  s3Bucket?: string;
}

/** Where S3 is: AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL) for a local server, AWS_REGION. */
export function s3ClientOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): { endpoint?: string; forcePathStyle?: boolean; region?: string } {
  const endpoint = env.AWS_ENDPOINT_URL_S3 ?? env.AWS_ENDPOINT_URL;
  return { ...(endpoint ? { endpoint, forcePathStyle: true } : {}), ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}) };
}

/**
 * `--redis URL` coordinates through Redis (and stores intermediates there unless `--s3-bucket`);
 * `--s3-bucket NAME` stores intermediates in S3, at AWS_ENDPOINT_URL_S3 when set (a local server).
 * Without either, everything stays in memory. WUKONG_REDIS_CA=FILE trusts that CA for a
 * `rediss://` URL (the same as `?ca=FILE` in the URL).
 */
export function storeConfigFromFlags(flags: StoreFlags, env: NodeJS.ProcessEnv = process.env): StoreConfig {
  if (flags.redis && env.WUKONG_REDIS_CA) flags = { ...flags, redis: withRedisCaFile(flags.redis, env.WUKONG_REDIS_CA) };
  const raw = {
    coordinator: flags.redis ? { kind: 'redis', url: flags.redis } : { kind: 'memory' },
    intermediate: flags.s3Bucket
      ? {
          kind: 's3',
          bucket: flags.s3Bucket,
          ...s3ClientOptionsFromEnv(env),
        }
      : flags.redis
        ? { kind: 'redis', url: flags.redis }
        : { kind: 'memory' },
    ttlSeconds: DEFAULT_TTL_SECONDS,
  };
  const parsed = StoreConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    const flag = path === 'intermediate.bucket' ? `--s3-bucket "${flags.s3Bucket}"` : /url$/.test(path) ? `--redis "${flags.redis}"` : path;
    throw new BadInputError(`${flag}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/**
 * The store option group (`submit`, `replay`, `gc`): the flags of runtime/store-config.ts's
 * StoreConfigSchema, the config every executor host (embedded threads, Lambda) is handed.
 */
export const STORE_OPTION_GROUP: OptionGroup<StoreFlags, StoreConfig> = {
  flags: [
    { flags: '--redis <url>', description: 'coordinate (and store intermediates, without --s3-bucket) in Redis' },
    { flags: '--s3-bucket <name>', description: 'store intermediates in this S3 bucket (AWS_ENDPOINT_URL_S3 for a local server)' },
  ],
  fromFlags: (flags) => storeConfigFromFlags(flags),
};
