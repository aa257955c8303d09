import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ExecutorPayload } from '../../../src/runtime/payload.js';
import { serveStores, storeProxies } from '../../../src/runtime/embedded/port-rpc.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { MemoryIntermediateStore } from '../../../src/storage/memory/memory-intermediate-store.js';
import { describeCoordinatorConformance } from './coordinator.conformance.js';
import { describeIntermediateStoreConformance } from './intermediate-store.conformance.js';

/**
 * The executor threads' proxies of the main thread's memory stores (one-way puts, thread caches)
 * meet the same contracts as the stores themselves. Each proxy is a client on its own port, as
 * each executor thread is; ports work within one thread, so the test needs no worker.
 */
function served(ttlSeconds = 60) {
  const store = new MemoryIntermediateStore({ ttlSeconds });
  const coordinator = new MemoryCoordinator({ ttlSeconds });
  const invoked: ExecutorPayload[] = [];
  const ports: MessageChannel[] = [];
  const client = () => {
    const channel = new MessageChannel();
    ports.push(channel);
    serveStores(channel.port1, { store, coordinator, onInvoke: (payload) => invoked.push(payload), onDone: () => undefined });
    return storeProxies({ port: channel.port2, changes: store.changes, ttlSeconds });
  };
  const cleanup = async () => {
    for (const channel of ports) {
      channel.port1.close();
      channel.port2.close();
    }
    await store.close();
    await coordinator.close();
  };
  return { store, coordinator, invoked, client, cleanup };
}

describeIntermediateStoreConformance('memory, through a thread proxy', async () => {
  const host = served();
  return { store: host.client().store, cleanup: host.cleanup };
});

describeCoordinatorConformance('memory, through thread proxies', async ({ ttlSeconds }) => {
  const host = served(ttlSeconds);
  return { coordinator: host.client().coordinator, anotherClient: async () => host.client().coordinator, cleanup: host.cleanup };
});

describe('thread store proxies', () => {
  it("a thread's cached copy is dropped when another thread overwrites or deletes the key", async () => {
    const host = served();
    const [first, second] = [host.client(), host.client()];
    await first.store.put('k', new Uint8Array([1]));
    expect([...(await second.store.get('k'))]).toEqual([1]); // now cached in the second thread
    await first.store.put('k', new Uint8Array([2]));
    await first.coordinator.markFanIn('sync', 'a', 2); // the main thread has applied the put
    expect([...(await second.store.get('k'))]).toEqual([2]);
    await first.store.delete('k');
    expect(await second.store.has('k')).toBe(false);
    await host.cleanup();
  });

  it('an invocation posted after a put reaches the main thread after the put is applied', async () => {
    const host = served();
    const thread = host.client();
    const seen: boolean[] = [];
    const channel = new MessageChannel();
    serveStores(channel.port1, {
      store: host.store,
      coordinator: host.coordinator,
      onInvoke: () => void host.store.has('out').then((has) => seen.push(has)),
      onDone: () => undefined,
    });
    const ordered = storeProxies({ port: channel.port2, changes: host.store.changes, ttlSeconds: 60 });
    await ordered.store.put('out', new Uint8Array(100_000)); // a shared-memory value
    ordered.invoke({} as ExecutorPayload);
    await thread.coordinator.getValue('flush');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(seen).toEqual([true]);
    expect((await thread.store.get('out')).buffer).toBeInstanceOf(SharedArrayBuffer);
    channel.port1.close();
    await host.cleanup();
  });

  it('gets expire with the main thread entry, not later (1 s TTL, checked at 1.5 s)', async () => {
    const host = served(1);
    const thread = host.client();
    await host.store.put('t', new Uint8Array([5]));
    expect([...(await thread.store.get('t'))]).toEqual([5]);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await thread.store.has('t')).toBe(false);
    await host.cleanup();
  });
});
