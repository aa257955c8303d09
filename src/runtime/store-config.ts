import * as z from 'zod';
import { DEFAULT_TTL_SECONDS } from '../storage/coordinator.js';
import { STORE_KINDS } from '../storage/store-kinds.js';
import type { StoreKindConfig } from '../storage/store-registry.js';

/**
 * Which stores a run uses, parsed once at the edge (CLI flags, Lambda env) and handed to every
 * executor host. Each part is a config of a kind registered in storage/store-kinds.ts, checked by
 * that kind's schema. Memory stores live in the embedded backend's main thread.
 */
export const StoreConfigSchema = z
  .object({
    coordinator: STORE_KINDS.configSchema('coordinator'),
    intermediate: STORE_KINDS.configSchema('intermediate'),
    ttlSeconds: z.number().int().positive(),
  })
  .strict();

export type StoreConfig = z.infer<typeof StoreConfigSchema>;
export type { StoreKindConfig };

export const MEMORY_STORES: StoreConfig = Object.freeze({
  coordinator: { kind: 'memory' },
  intermediate: { kind: 'memory' },
  ttlSeconds: DEFAULT_TTL_SECONDS,
});

/** Whether a part of the config lives in the run host's memory (see StoreKindDefinition.hostLocal). */
export const usesMainThreadMemory = (config: StoreConfig): boolean =>
  [config.coordinator, config.intermediate].some((part) => STORE_KINDS.find(part.kind)?.hostLocal === true);

/** Whether the coordinator lives in the run host's memory (the embedded backend's main thread). */
export const coordinatorIsHostLocal = (config: StoreConfig): boolean => STORE_KINDS.find(config.coordinator.kind)?.hostLocal === true;

/** Whether intermediates live in the run host's memory (the embedded backend's main thread). */
export const intermediateIsHostLocal = (config: StoreConfig): boolean => STORE_KINDS.find(config.intermediate.kind)?.hostLocal === true;
