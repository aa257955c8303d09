import type { MessagePort } from 'node:worker_threads';
import type { Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import { storeProxies } from './embedded/port-rpc.js';
import type { StoreConfig } from './store-config.js';

export interface ExecutorStores {
  readonly store: IntermediateStore;
  readonly coordinator: Coordinator;
}

/**
 * Opens the stores a StoreConfig names, for an executor host or a client. Memory parts come from
 * `memory` (in the main thread) or through `memoryPort` (in an executor thread); Redis and S3
 * parts are opened here, one client per host, as a Lambda container would. Their modules load
 * only when configured, so memory-only threads never pay for ioredis or the AWS SDK.
 */
export async function createExecutorStores(config: StoreConfig, memoryPort?: MessagePort, memory?: ExecutorStores): Promise<ExecutorStores> {
  const needsMemory = config.coordinator.kind === 'memory' || config.intermediate.kind === 'memory';
  const local = needsMemory ? (memory ?? (memoryPort ? storeProxies(memoryPort) : undefined)) : undefined;
  if (needsMemory && !local) throw new Error('memory stores requested but none were provided');
  const coordinator =
    config.coordinator.kind === 'redis'
      ? new (await import('../storage/redis/redis-coordinator.js')).RedisCoordinator(config.coordinator.url, { ttlSeconds: config.ttlSeconds })
      : (local as ExecutorStores).coordinator;
  const intermediate = config.intermediate;
  let store: IntermediateStore;
  switch (intermediate.kind) {
    case 'memory':
      store = (local as ExecutorStores).store;
      break;
    case 'redis':
      store = new (await import('../storage/redis/redis-intermediate-store.js')).RedisIntermediateStore(intermediate.url, { ttlSeconds: config.ttlSeconds });
      break;
    case 's3':
      store = new (await import('../storage/s3/s3-intermediate-store.js')).S3IntermediateStore({
        bucket: intermediate.bucket,
        ...(intermediate.endpoint ? { endpoint: intermediate.endpoint } : {}),
        ...(intermediate.region ? { region: intermediate.region } : {}),
        ...(intermediate.forcePathStyle !== undefined ? { forcePathStyle: intermediate.forcePathStyle } : {}),
        ...(intermediate.credentials ? { credentials: intermediate.credentials } : {}),
      });
      break;
  }
  return { store, coordinator };
}
