import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/model/errors.js';
import { MemoryIntermediateStore } from '../../../src/storage/memory/memory-intermediate-store.js';
import { describeIntermediateStoreConformance } from './intermediate-store.conformance.js';

describeIntermediateStoreConformance('memory', async () => {
  const store = new MemoryIntermediateStore();
  return { store, cleanup: () => store.close() };
});

describe('MemoryIntermediateStore', () => {
  it('forgets values after the TTL (1 s TTL, checked at 1.5 s)', async () => {
    const store = new MemoryIntermediateStore({ ttlSeconds: 1 });
    await store.put('a', new Uint8Array([1]));
    await store.putStream('b', (async function* () {
      yield new Uint8Array([2]);
    })());
    await new Promise((resolve) => setTimeout(resolve, 1_500));

    expect(await store.has('a')).toBe(false);
    await expect(store.get('b')).rejects.toBeInstanceOf(NotFoundError);
    expect(await store.deletePrefix('')).toBe(0);
    await store.close();
  });
});
