import { describe, expect, it } from 'vitest';
import { removeRunState } from '../../../src/runtime/run-cleanup.js';
import type { Coordinator } from '../../../src/storage/coordinator.js';
import type { IntermediateStore } from '../../../src/storage/intermediate-store.js';

/** Stores whose deletePrefix fails as a dead S3 does, recording what was asked. */
function deadStores(asked: string[]) {
  const refuse = async (prefix: string) => {
    asked.push(prefix);
    throw new Error('list failed: connect ECONNREFUSED');
  };
  return { store: { deletePrefix: refuse } as unknown as IntermediateStore, coordinator: { deletePrefix: refuse } as unknown as Coordinator };
}

describe('removeRunState', () => {
  it("after a failed run, a store that fails its cleanup does not replace the run's error", async () => {
    const asked: string[] = [];
    await expect(removeRunState(deadStores(asked), { runId: 'r1', ok: false })).resolves.toBeUndefined();
    expect(asked).toHaveLength(1);
  });

  it('after a run that succeeded, a cleanup failure is still an error (nothing else would say it)', async () => {
    await expect(removeRunState(deadStores([]), { runId: 'r1', ok: true })).rejects.toThrow(/ECONNREFUSED/);
  });
});
