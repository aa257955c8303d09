import { describe, expect, it } from 'vitest';
import { boundStores, withRunDeadline } from '../../../src/runtime/store-bounds.js';
import type { Coordinator, FanInMark } from '../../../src/storage/coordinator.js';
import type { IntermediateStore } from '../../../src/storage/intermediate-store.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { SharedFanInCoordinator } from '../../../src/storage/memory/shared-fan-in-coordinator.js';
import { SharedFanInTable } from '../../../src/storage/memory/shared-fan-in-table.js';

/** Settles after `ms`, whatever the bound: a call the store says settles locally must not be cut. */
const after = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

/** A store whose puts say they settle locally (as the embedded proxies' one-way puts do); every call takes 80 ms. */
function slowStore(): IntermediateStore {
  return {
    kind: 'fake',
    put: () => after(80, undefined),
    get: () => after(80, new Uint8Array(1)),
    has: () => after(80, true),
    delete: () => after(80, undefined),
    size: () => after(80, 1),
    putStream: () => after(80, undefined),
    getStream: () => (async function* () {})(),
    deletePrefix: () => after(80, 0),
    close: async () => undefined,
    settlesLocally: (method) => method === 'put',
  };
}

/** A coordinator whose inbox sends say they settle locally; marks and sends take 80 ms, the rest as a memory coordinator. */
function slowCoordinator(): Coordinator {
  const memory = new MemoryCoordinator();
  return {
    markFanIn: () => after<FanInMark>(80, { complete: true, marked: 2, duplicate: false }),
    fanInMembers: (key) => memory.fanInMembers(key),
    claim: (key, owner) => memory.claim(key, owner),
    increment: (key, by) => memory.increment(key, by),
    setValue: (key, value) => memory.setValue(key, value),
    getValue: (key) => memory.getValue(key),
    send: () => after(80, undefined),
    receive: (key, timeoutMs) => memory.receive(key, timeoutMs),
    ttlMs: (key) => memory.ttlMs(key),
    deletePrefix: (prefix) => memory.deletePrefix(prefix),
    keys: (prefix) => memory.keys(prefix),
    close: () => memory.close(),
    settlesLocally: (method) => method === 'send',
  };
}

describe('store bounds skip calls that settle locally', () => {
  it("bounds every other call by the run's deadline, through both wrappers (host and run)", async () => {
    const stores = withRunDeadline(boundStores({ store: slowStore(), coordinator: slowCoordinator() }, { store: 'fake store', coordinator: 'fake coordinator' }), Date.now() + 20, () => Date.now());
    await expect(stores.store.put('k', new Uint8Array(1))).resolves.toBeUndefined();
    await expect(stores.coordinator.send('inbox', 'm')).resolves.toBeUndefined();
    await expect(stores.store.get('k')).rejects.toThrow(/^fake store: get of k did not answer within \d+ ms \(the run's deadline\)$/);
    await expect(stores.coordinator.markFanIn('f', 'a', 2)).rejects.toThrow(/^fake coordinator: markFanIn of f did not answer/);
  });

  it('a shared fan-in table settles its own fan-ins locally, and defers the rest to the coordinator it wraps', () => {
    const shared = new SharedFanInCoordinator(slowCoordinator());
    expect(shared.settlesLocally('markFanIn', 'fan-c')).toBe(false);
    shared.use(SharedFanInTable.create([{ key: 'fan-c', parents: ['a', 'b'] }], 60));
    expect(shared.settlesLocally('markFanIn', 'fan-c')).toBe(true);
    expect(shared.settlesLocally('fanInMembers', 'fan-c')).toBe(true);
    expect(shared.settlesLocally('markFanIn', 'fan-other')).toBe(false);
    expect(shared.settlesLocally('send', 'inbox')).toBe(true);
    expect(shared.settlesLocally('getValue', 'spec')).toBe(false);
  });
});
