import * as z from 'zod';
import type { StoreKindDefinition } from '../store-registry.js';

export const RedisStoreConfigSchema = z.object({ kind: z.literal('redis'), url: z.string().regex(/^rediss?:\/\//, 'a redis:// or rediss:// URL') }).strict();
export type RedisStoreConfig = z.infer<typeof RedisStoreConfigSchema>;

/** Redis (or Valkey, ElastiCache): coordination by Lua scripts, and intermediates for small runs. */
export const redisStoreKind: StoreKindDefinition<RedisStoreConfig> = {
  kind: 'redis',
  configSchema: RedisStoreConfigSchema,
  // Loaded only when configured, so memory-only executor threads never load ioredis.
  openIntermediate: async (config, { ttlSeconds }) => new (await import('./redis-intermediate-store.js')).RedisIntermediateStore(config.url, { ttlSeconds }),
  openCoordinator: async (config, { ttlSeconds }) => new (await import('./redis-coordinator.js')).RedisCoordinator(config.url, { ttlSeconds }),
};
