import * as z from 'zod';
import type { StoreKindDefinition } from '../store-registry.js';

export const MemoryStoreConfigSchema = z.object({ kind: z.literal('memory') }).strict();
export type MemoryStoreConfig = z.infer<typeof MemoryStoreConfigSchema>;

/**
 * In-process stores: one per run host (the embedded backend's main thread; executor threads reach
 * it by RPC). Fast and free, and gone with the process.
 */
export const memoryStoreKind: StoreKindDefinition<MemoryStoreConfig> = {
  kind: 'memory',
  configSchema: MemoryStoreConfigSchema,
  hostLocal: true,
  openIntermediate: async (_config, { ttlSeconds }) => new (await import('./memory-intermediate-store.js')).MemoryIntermediateStore({ ttlSeconds }),
  openCoordinator: async (_config, { ttlSeconds }) => new (await import('./memory-coordinator.js')).MemoryCoordinator({ ttlSeconds }),
};
