/**
 * The storage ports and their adapters (DESIGN.md §5). Importing this module loads ioredis and the
 * AWS SDK; code that must stay light (memory-only executor threads) imports an adapter's own
 * module instead, as runtime/store-factory.ts does.
 */
export type { IntermediateStore } from './intermediate-store.js';
export { DEFAULT_TTL_SECONDS, runKeyPrefix, type Coordinator, type FanInMark } from './coordinator.js';
export { MemoryCoordinator } from './memory/memory-coordinator.js';
export { MemoryIntermediateStore } from './memory/memory-intermediate-store.js';
export { RedisCoordinator } from './redis/redis-coordinator.js';
export { RedisIntermediateStore } from './redis/redis-intermediate-store.js';
export type { RedisAdapterOptions } from './redis/redis-connection.js';
export { redactRedisUrl, redisOptionsFromUrl } from './redis/redis-url.js';
export { createS3Client, S3IntermediateStore, type S3ClientOptions, type S3StoreOptions } from './s3/s3-intermediate-store.js';
