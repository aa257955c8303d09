import type { Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import { STORE_KINDS } from '../storage/store-kinds.js';
import { usesMainThreadMemory, type StoreConfig } from './store-config.js';
import { boundStores } from './store-bounds.js';
import { storeLabel } from './store-name.js';

export interface ExecutorStores {
  readonly store: IntermediateStore;
  readonly coordinator: Coordinator;
}

/**
 * Opens the stores a StoreConfig names, for an executor host or a client, through the store
 * registry (storage/store-kinds.ts). Host-local parts (memory) come from `memory` (in the main
 * thread: the stores themselves; in an executor thread: proxies of them, embedded/port-rpc.ts); every other part is opened here by its
 * kind, one client per host, as a Lambda container would. Kinds load their adapter modules only
 * when configured, so memory-only threads never pay for ioredis or the AWS SDK. Every call of the
 * stores returned is bounded by STORE_CALL_TIMEOUT_MS (./store-bounds.ts).
 */
export async function createExecutorStores(config: StoreConfig, memory?: ExecutorStores): Promise<ExecutorStores> {
  const needsLocal = usesMainThreadMemory(config);
  const local = needsLocal ? memory : undefined;
  if (needsLocal && !local) throw new Error('memory stores requested but none were provided');
  const context = { ttlSeconds: config.ttlSeconds };
  const hostLocal = (kind: string) => STORE_KINDS.find(kind)?.hostLocal === true;
  const coordinator = hostLocal(config.coordinator.kind) ? (local as ExecutorStores).coordinator : await STORE_KINDS.open(config.coordinator, 'coordinator', context);
  const store = hostLocal(config.intermediate.kind) ? (local as ExecutorStores).store : await STORE_KINDS.open(config.intermediate, 'intermediate', context);
  // Every call bounded (./store-bounds.ts): a store that stops answering fails the call, naming it.
  return boundStores({ store, coordinator }, { store: storeLabel(config.intermediate), coordinator: storeLabel(config.coordinator) });
}
