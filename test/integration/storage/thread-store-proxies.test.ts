import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { ExecutorPayload } from '../../../src/runtime/payload.js';
import { serveStores, storeProxies } from '../../../src/runtime/embedded/port-rpc.js';
import { payloadOfText } from '../../../src/runtime/embedded/execute-jobs-text.js';
import { compactReportText, reportsOfCompact } from '../../../src/model/compact-report.js';
import type { ExecutorReport } from '../../../src/model/run-events.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { MemoryIntermediateStore } from '../../../src/storage/memory/memory-intermediate-store.js';
import { describeCoordinatorConformance } from './coordinator.conformance.js';
import { describeIntermediateStoreConformance } from './intermediate-store.conformance.js';
import { PutTracker } from '../../../src/runtime/embedded/put-tracker.js';
import { SharedFanInCoordinator } from '../../../src/storage/memory/shared-fan-in-coordinator.js';
import { SharedFanInTable, type FanInEntry } from '../../../src/storage/memory/shared-fan-in-table.js';
import { NotFoundError } from '../../../src/model/errors.js';
import { SharedValueTable } from '../../../src/storage/memory/shared-value-table.js';
import { SHARED_TEXT_FROM_CHARS, SharedTexts } from '../../../src/runtime/embedded/shared-texts.js';

/**
 * The executor threads' proxies of the main thread's memory stores (one-way puts, thread caches)
 * meet the same contracts as the stores themselves. Each proxy is a client on its own port, as
 * each executor thread is; ports work within one thread, so the test needs no worker.
 */
function served(ttlSeconds = 60, sharedTexts?: SharedTexts) {
  const store = new MemoryIntermediateStore({ ttlSeconds });
  const coordinator = new MemoryCoordinator({ ttlSeconds });
  const invoked: ExecutorPayload[] = [];
  const ports: MessageChannel[] = [];
  const client = () => {
    const channel = new MessageChannel();
    ports.push(channel);
    serveStores(channel.port1, { store, coordinator, onInvoke: (text) => invoked.push(payloadOfText(text)), onDone: () => undefined, ...(sharedTexts ? { sharedTexts } : {}) });
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
  return { store, coordinator, invoked, client, cleanup, ports };
}

describeIntermediateStoreConformance('memory, through a thread proxy', async () => {
  const host = served();
  return { store: host.client().store, cleanup: host.cleanup };
});

/** Every key the store conformance suite puts, so that a shared value table holds them all. */
const CONFORMANCE_VALUE_KEYS = [
  'round/bytes', 'round/empty', 'view/slice', 'hs/a', 'missing/x', 'del/a', 'del/b', 'del/never-there',
  'p/1', 'p/2', 'p/sub/3', 'px/4', 'q/p/5', 'g*[?]/1', 'g*[?]/2', 'gz/3',
  ...Array.from({ length: 50 }, (_, i) => `conc/${i}`),
  'stream/parts', 'stream/plain', 'stream/empty', 'stream/failed', 'large/value',
];

describeIntermediateStoreConformance('memory with a shared value table, through a thread proxy', async () => {
  // As the embedded backend sets it up for a run: the proxy puts and gets the table's values in
  // shared memory itself; the 100 MiB value, too large for the table, goes through the port.
  const host = served();
  host.store.useSharedValues(SharedValueTable.create(CONFORMANCE_VALUE_KEYS, { arenaBytes: 1 << 20, maxEntries: 200, maxValueBytes: 64 * 1024, ttlSeconds: 60 }));
  const proxy = host.client();
  await proxy.store.has('table/arrived'); // its answer comes after the table
  return { store: proxy.store, cleanup: host.cleanup };
});

describeCoordinatorConformance('memory, through thread proxies', async ({ ttlSeconds }) => {
  const host = served(ttlSeconds);
  return { coordinator: host.client().coordinator, anotherClient: async () => host.client().coordinator, cleanup: host.cleanup };
});

describeCoordinatorConformance('memory, through thread proxies that get long values as shared text', async ({ ttlSeconds }) => {
  // As the thread pool serves it (run specs are long values every thread gets).
  const host = served(ttlSeconds, new SharedTexts());
  return { coordinator: host.client().coordinator, anotherClient: async () => host.client().coordinator, cleanup: host.cleanup };
});

/** Every fan-in key and parent the conformance suite marks, so that the table serves them all. */
function conformanceFanIns(): FanInEntry[] {
  const parents = (n: number) => Array.from({ length: n }, (_, i) => `p${i}`);
  const entries: FanInEntry[] = [
    { key: 'fi/c', parents: ['a', 'b', 'c'] },
    { key: 'fi/r', parents: ['a', 'b'] },
    { key: 'fi/d', parents: ['a', 'b'] },
    { key: 'fi/one', parents: ['only'] },
    { key: 'fi/other', parents: ['only', 'another'] },
    { key: 'fi/never', parents: ['a', 'b'] },
    ...[0, 1, 2, 3, 4].map((round) => ({ key: `fi/race-${round}`, parents: parents(25) })),
  ];
  for (const prefix of ['run*1/', 'run?1/', 'ttl/', 'exp/']) {
    entries.push({ key: `${prefix}fan-in`, parents: ['a', 'b', 'c'] }, { key: `${prefix}fan-in-complete`, parents: ['a', 'z'] });
  }
  return entries;
}

describeCoordinatorConformance('memory with a shared fan-in table, through thread proxies', async ({ ttlSeconds }) => {
  // As the embedded backend sets it up: the main thread's coordinator and each thread's proxy
  // make the table's fan-in marks themselves, in shared memory; the rest goes through the port.
  const host = served(ttlSeconds);
  const table = SharedFanInTable.create(conformanceFanIns(), ttlSeconds);
  const mainThread = new SharedFanInCoordinator(host.coordinator);
  mainThread.use(table);
  const thread = () => {
    const coordinator = new SharedFanInCoordinator(host.client().coordinator);
    coordinator.use(SharedFanInTable.open(table.init));
    return coordinator;
  };
  return { coordinator: mainThread, anotherClient: async () => thread(), cleanup: host.cleanup };
});

describe('reads that miss while puts are in flight', () => {
  /** A served store whose one "thread" has posted puts the main thread has not received yet. */
  function withPutsInFlight(lostPutWaitMs?: number) {
    const host = served();
    const tracker = new PutTracker(lostPutWaitMs);
    const writerPosted = new Int32Array(new SharedArrayBuffer(4));
    const writer = tracker.track(writerPosted);
    const channel = new MessageChannel();
    serveStores(channel.port1, { store: host.store, coordinator: host.coordinator, onInvoke: () => undefined, onDone: () => undefined, puts: { tracker, applied: () => undefined } });
    const reader = storeProxies({ port: channel.port2, changes: host.store.changes, ttlSeconds: 60 });
    /** The writer's put arrives (what serveStores does with a thread's one-way put). */
    const arrive = async (key: string, value: Uint8Array) => {
      await host.store.put(key, value);
      writer.applied();
    };
    const cleanup = async () => {
      channel.port1.close();
      await host.cleanup();
    };
    return { reader, writerPosted, writer, arrive, cleanup };
  }

  it('a get of a value whose put is still on its way waits for the put instead of answering not found', async () => {
    const { reader, writerPosted, arrive, cleanup } = withPutsInFlight();
    Atomics.add(writerPosted, 0, 1); // posted (and its fan-in mark made), not yet received
    let answered = false;
    const got = reader.store.get('out').then((value) => ((answered = true), value));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    await arrive('out', new Uint8Array([7]));
    expect([...(await got)]).toEqual([7]);
    await cleanup();
  });

  it('a miss is not found at once when no put is on its way, and after the puts in flight when none of them was it', async () => {
    const { reader, writerPosted, arrive, cleanup } = withPutsInFlight();
    await expect(reader.store.get('missing')).rejects.toBeInstanceOf(NotFoundError);
    expect(await reader.store.has('missing')).toBe(false);
    Atomics.add(writerPosted, 0, 1);
    const got = reader.store.get('missing');
    const has = reader.store.has('missing');
    await arrive('something-else', new Uint8Array([1]));
    await expect(got).rejects.toBeInstanceOf(NotFoundError);
    expect(await has).toBe(false);
    await cleanup();
  });

  it('a get that missed the put of a thread that died is answered when the retry puts the value again', async () => {
    // A thread killed after its fan-in mark, before its batch went out: the put is lost until the
    // pool's retry of its executor puts it again (seen once in CI: "get of l0-2 failed: not found").
    const { reader, writerPosted, writer, arrive, cleanup } = withPutsInFlight();
    Atomics.add(writerPosted, 0, 1);
    let answered = false;
    const got = reader.store.get('lost').then((value) => ((answered = true), value));
    writer.untrack();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(answered).toBe(false);
    await arrive('lost', new Uint8Array([9])); // the retry's put
    expect([...(await got)]).toEqual([9]);
    await cleanup();
  });

  it('a miss after such a death is not found once the wait for retries is over; a death with nothing in flight adds no wait', async () => {
    const lost = withPutsInFlight(100);
    Atomics.add(lost.writerPosted, 0, 1);
    const got = lost.reader.store.get('never');
    lost.writer.untrack();
    const started = performance.now();
    await expect(got).rejects.toBeInstanceOf(NotFoundError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(90);
    await lost.cleanup();
    const clean = withPutsInFlight(60_000);
    clean.writer.untrack();
    await expect(clean.reader.store.get('never')).rejects.toBeInstanceOf(NotFoundError);
    await clean.cleanup();
  });
});

describe('thread store proxies', () => {
  it('long coordinator values reach every thread whole, in shared memory encoded once, and an overwrite is seen', async () => {
    const texts = new (class extends SharedTexts {
      encodings = 0;
      override bytesOf(key: string, text: string): Uint8Array {
        this.encodings += 1;
        return super.bytesOf(key, text);
      }
    })();
    const host = served(60, texts);
    const [a, b] = [host.client(), host.client()];
    // Above the threshold, with characters of 1 to 4 UTF-8 bytes.
    const long = `{"id":"é→𝄞",${'"x":1,'.repeat(SHARED_TEXT_FROM_CHARS / 6)}"end":"ok"}`;
    expect(long.length).toBeGreaterThanOrEqual(SHARED_TEXT_FROM_CHARS);
    await host.coordinator.setValue('run/spec', long);
    expect(await a.coordinator.getValue('run/spec')).toBe(long);
    expect(await b.coordinator.getValue('run/spec')).toBe(long);
    expect(texts.encodings).toBe(2); // both answers went as shared text
    const bytes = texts.bytesOf('run/spec', long);
    expect(bytes.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(Buffer.from(bytes).toString('utf8')).toBe(long);
    const changed = `${long.slice(0, -4)}no"}`;
    await host.coordinator.setValue('run/spec', changed);
    expect(await a.coordinator.getValue('run/spec')).toBe(changed);
    expect(texts.bytesOf('run/spec', changed)).not.toBe(bytes);
    // Short values and missing keys answer as before.
    await host.coordinator.setValue('short', 'é');
    expect(await b.coordinator.getValue('short')).toBe('é');
    expect(await b.coordinator.getValue('missing')).toBeUndefined();
    expect(texts.encodings).toBe(5); // two gets and a check, then the overwrite's get and its check; none for the short value
    await host.cleanup();
  });

  it("executors' compact reports sent in one turn reach the inbox as one message that reads as each of them; other events as sent", async () => {
    // Prepare
    const host = served();
    const thread = host.client();
    const report = (executorId: string): ExecutorReport => ({ executorId, startTaskId: 't', startedAt: 1, endedAt: 2, cold: false, memoryMb: 0, cpuMs: 0, peakMemoryBytes: 0, invocations: 0, invoked: [], tasks: [] });
    const output = JSON.stringify({ kind: 'output', taskId: 'z' });
    // Act
    await thread.coordinator.send('inbox', compactReportText(report('a')));
    await thread.coordinator.send('inbox', output);
    await thread.coordinator.send('inbox', compactReportText(report('b')));
    await thread.coordinator.send('other', compactReportText(report('c')));
    await thread.coordinator.getValue('flush'); // answered after the batch before it is applied
    const messages = await host.coordinator.receive('inbox', 1_000);
    // Assess
    expect(messages).toHaveLength(2);
    expect(reportsOfCompact(messages[0] as string).map((r) => r.executorId)).toEqual(['a', 'b']);
    expect(messages[1]).toBe(output);
    expect(reportsOfCompact((await host.coordinator.receive('other', 1_000))[0] as string)).toEqual([report('c')]);
    // A report of a later turn is a message of its own.
    await thread.coordinator.getValue('flush');
    await thread.coordinator.send('inbox', compactReportText(report('d')));
    expect(reportsOfCompact((await host.coordinator.receive('inbox', 1_000))[0] as string)).toEqual([report('d')]);
    await host.cleanup();
  });

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

  it('with a shared value table, a put is in shared memory at once and another thread gets it with no round trip', async () => {
    const host = served();
    const table = SharedValueTable.create(['out/a', 'out/b'], { arenaBytes: 1 << 16, maxEntries: 16, maxValueBytes: 64 * 1024, ttlSeconds: 60 });
    host.store.useSharedValues(table);
    const [writer, reader] = [host.client(), host.client()];
    await Promise.all([writer.store.has('sync'), reader.store.has('sync')]); // the table has arrived

    await writer.store.put('out/a', new Uint8Array([4, 2]));
    // No turn of the event loop has passed: a put sent as a message would not be applied yet.
    expect([...(await host.store.get('out/a'))]).toEqual([4, 2]);
    // The reader's port is closed: only shared memory can answer it.
    const [, readerChannel] = host.ports;
    readerChannel?.port1.close();
    expect([...(await reader.store.get('out/a'))]).toEqual([4, 2]);
    expect(await reader.store.size('out/a')).toBe(2);
    await host.cleanup();
  });

  it("a thread's overwrite in the shared value table counts as a change, so other threads drop what they cached", async () => {
    const host = served();
    const table = SharedValueTable.create(['out/a'], { arenaBytes: 1 << 16, maxEntries: 16, maxValueBytes: 64 * 1024, ttlSeconds: 60 });
    host.store.useSharedValues(table);
    const writer = host.client();
    await writer.store.has('sync');
    const before = Atomics.load(host.store.changes, 0);

    await writer.store.put('out/a', new Uint8Array([1]));
    expect(Atomics.load(host.store.changes, 0)).toBe(before);
    await writer.store.put('out/a', new Uint8Array([2])); // a retry's put: last write wins
    expect(Atomics.load(host.store.changes, 0)).toBe(before + 1);
    expect([...(await host.store.get('out/a'))]).toEqual([2]);
    await writer.store.delete('out/a');
    expect(Atomics.load(host.store.changes, 0)).toBe(before + 2);
    expect(table.get('out/a')).toBeUndefined();
    await host.cleanup();
  });

  it('with a full shared value table, puts go to the main thread as before', async () => {
    const host = served();
    const table = SharedValueTable.create(['out/a', 'out/b'], { arenaBytes: 8, maxEntries: 16, maxValueBytes: 64 * 1024, ttlSeconds: 60 });
    host.store.useSharedValues(table);
    const [writer, reader] = [host.client(), host.client()];
    await Promise.all([writer.store.has('sync'), reader.store.has('sync')]);

    await writer.store.put('out/a', new Uint8Array(9).fill(1)); // does not fit
    await writer.store.put('out/b', new Uint8Array([2]));
    expect(table.full()).toBe(true);
    expect(table.get('out/b')).toBeUndefined();
    expect([...(await reader.store.get('out/a'))]).toEqual(Array(9).fill(1));
    expect([...(await reader.store.get('out/b'))]).toEqual([2]);
    await host.cleanup();
  });

  it('a thread opens the table of the next run, and stops using one that was dropped', async () => {
    const host = served();
    const thread = host.client();
    const options = { arenaBytes: 1 << 16, maxEntries: 16, maxValueBytes: 64 * 1024, ttlSeconds: 60 };
    const first = SharedValueTable.create(['run-1/a'], options);
    host.store.useSharedValues(first);
    await thread.store.has('sync');
    await thread.store.put('run-1/a', new Uint8Array([1]));
    expect(first.get('run-1/a')).toBeDefined();

    const second = SharedValueTable.create(['run-2/a'], options);
    host.store.useSharedValues(second);
    await thread.store.has('sync');
    await thread.store.put('run-2/a', new Uint8Array([2]));
    expect(second.get('run-2/a')).toBeDefined();
    expect([...(await thread.store.get('run-1/a'))]).toEqual([1]); // moved to the main thread's map

    host.store.useSharedValues(undefined);
    await thread.store.has('sync');
    await thread.store.put('run-2/a', new Uint8Array([3]));
    expect(second.get('run-2/a')).toBeUndefined();
    expect([...(await thread.store.get('run-2/a'))]).toEqual([3]);
    await host.cleanup();
  });

  it('gets expire with the main thread entry, not later, and table values after their TTL (1 s TTL, checked at 1.5 s)', async () => {
    const host = served(1);
    host.store.useSharedValues(SharedValueTable.create(['in-table'], { arenaBytes: 1 << 16, maxEntries: 16, maxValueBytes: 64 * 1024, ttlSeconds: 1 }));
    const thread = host.client();
    await host.store.put('t', new Uint8Array([5]));
    expect([...(await thread.store.get('t'))]).toEqual([5]);
    await thread.store.put('in-table', new Uint8Array([6]));
    expect(host.store.ttlMs('in-table')).toBeGreaterThan(900);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await thread.store.has('t')).toBe(false);
    expect(await thread.store.has('in-table')).toBe(false);
    expect(await host.store.has('in-table')).toBe(false);
    await host.cleanup();
  });
});
