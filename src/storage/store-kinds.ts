import { memoryStoreKind } from './memory/memory-store-kind.js';
import { redisStoreKind } from './redis/redis-store-kind.js';
import { s3StoreKind } from './s3/s3-store-kind.js';
import { StoreRegistry } from './store-registry.js';

/**
 * Every store kind this process knows: the one place they are registered. A new kind is its own
 * folder (adapter + `StoreKindDefinition`) and one `.register(...)` line here; configs, the
 * factory (runtime/store-factory.ts), transfer records and error messages follow from it.
 */
export const STORE_KINDS = new StoreRegistry()
  .register(memoryStoreKind)
  .register(redisStoreKind)
  .register(s3StoreKind);
