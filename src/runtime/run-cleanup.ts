import { runKeyPrefix, type Coordinator } from '../storage/coordinator.js';
import type { IntermediateStore } from '../storage/intermediate-store.js';
import { runKeys } from './keys.js';
import { CLOSE_WAIT_MS, settleWithin } from './settle-within.js';

/**
 * Removes a finished run's outputs and coordination keys. After a failed run the store is often
 * the thing that failed: its cleanup is waited for at most CLOSE_WAIT_MS and its own error dropped,
 * so the run's error is the one the user reads (a dead S3 once turned "task x failed" into "list
 * failed: ECONNREFUSED"). Every key has a TTL, so what cannot be removed now expires.
 */
export async function removeRunState(stores: { readonly store: IntermediateStore; readonly coordinator: Coordinator }, outcome: { readonly runId: string; readonly ok: boolean }): Promise<void> {
  const cleanup = async (): Promise<void> => {
    await stores.store.deletePrefix(runKeys(outcome.runId).outputPrefix);
    await stores.coordinator.deletePrefix(runKeyPrefix(outcome.runId));
  };
  if (outcome.ok) await cleanup();
  else await settleWithin(cleanup(), CLOSE_WAIT_MS);
}
