import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../src/model/errors.js';
import { MemoryIntermediateStore } from '../../../src/storage/memory/memory-intermediate-store.js';
import { SharedValueTable, type SharedValueTableInit, type SharedValueTableOptions } from '../../../src/storage/memory/shared-value-table.js';

/** The compiled table, for real threads (npm test builds first, as the embedded backend's tests need). */
const TABLE_MODULE = pathToFileURL(join(import.meta.dirname, '../../../dist/src/storage/memory/shared-value-table.js')).href;

const OPTIONS: SharedValueTableOptions = { arenaBytes: 1 << 20, maxEntries: 1_000, maxValueBytes: 64 * 1024, ttlSeconds: 60 };
const keysOf = (n: number, prefix = 'k') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
const filled = (length: number, byte: number) => new Uint8Array(length).fill(byte);

/** A put a thread makes: key, value length, the byte every value byte holds. */
type ThreadPut = readonly [string, number, number];

/**
 * Runs each thread's puts (or, for a reader, gets of its keys until told to stop) from threads of
 * their own, all started together (a synchronous loop each: the threads race each other). A
 * reader returns every value it saw as [key, length, first byte, whether every byte was the first].
 */
function race(init: SharedValueTableInit, writers: readonly (readonly ThreadPut[])[], readKeys: readonly string[] = []): Promise<{ writes: string[][]; reads: [string, number, number, boolean][] }> {
  const gate = new Int32Array(new SharedArrayBuffer(12)); // [go, started, writers done]
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then(({ SharedValueTable }) => {
      const table = SharedValueTable.open(workerData.init);
      const gate = new Int32Array(workerData.gate);
      Atomics.add(gate, 1, 1);
      while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 5);
      if (workerData.puts) {
        const answers = workerData.puts.map(([key, length, byte]) => table.put(key, new Uint8Array(length).fill(byte)) ?? 'refused');
        Atomics.add(gate, 2, 1);
        parentPort.postMessage(answers);
        return;
      }
      const seen = [];
      // Reads while the writers write, and once more after they are done.
      let writing = true;
      do {
        writing = Atomics.load(gate, 2) < workerData.writers;
        for (const key of workerData.readKeys) {
          const value = table.get(key);
          if (value) seen.push([key, value.byteLength, value[0], value.every((b) => b === value[0])]);
        }
      } while (writing);
      parentPort.postMessage(seen);
    });
  `;
  const start = (data: object) =>
    new Promise<never>((resolve, reject) => {
      const worker = new Worker(code, { eval: true, workerData: { module: TABLE_MODULE, init, gate: gate.buffer, writers: writers.length, ...data } });
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  const writes = writers.map((puts) => start({ puts }) as Promise<string[]>);
  const reads = readKeys.length > 0 ? (start({ readKeys }) as Promise<[string, number, number, boolean][]>) : Promise.resolve([]);
  const threads = writers.length + (readKeys.length > 0 ? 1 : 0);
  return (async () => {
    while (Atomics.load(gate, 1) < threads) await new Promise((resolve) => setTimeout(resolve, 5));
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
    return { writes: await Promise.all(writes), reads: await reads };
  })();
}

/** The keys `deletePrefix` names, checked against the count it answers. */
function deletedKeys(table: SharedValueTable, prefix: string): string[] {
  const keys: string[] = [];
  const count = table.deletePrefix(prefix, (key) => keys.push(key));
  expect(count).toBe(keys.length);
  return keys;
}

describe('SharedValueTable', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stores copies of the values of its keys, and refuses unknown keys and values of maxValueBytes or more', () => {
    const table = SharedValueTable.create(['a', 'b', 'empty'], { ...OPTIONS, maxValueBytes: 100 });
    const source = Uint8Array.from({ length: 99 }, (_, i) => i);

    expect(table.put('a', source)).toBe('stored');
    source.fill(0); // the caller's buffer is not the table's
    expect([...(table.get('a') ?? [])]).toEqual(Array.from({ length: 99 }, (_, i) => i));
    expect(table.get('a')?.buffer).toBe(table.init.arena);
    expect(table.put('empty', new Uint8Array(0))).toBe('stored');
    expect(table.get('empty')?.byteLength).toBe(0);
    expect(table.put('b', new Uint8Array(100))).toBeUndefined();
    expect(table.put('unknown', new Uint8Array(1))).toBeUndefined();
    expect(table.knows('unknown')).toBe(false);
    expect(table.knows('b')).toBe(true);
    expect(table.get('b')).toBeUndefined();
    expect(table.full()).toBe(false);
  });

  it('the last put of a key wins, and a value read earlier never changes under its reader', () => {
    const table = SharedValueTable.create(['k'], OPTIONS);
    table.put('k', filled(16, 1));
    const first = table.get('k');

    expect(table.put('k', filled(8, 2))).toBe('replaced');
    expect([...(table.get('k') ?? [])]).toEqual(Array(8).fill(2));
    expect([...(first ?? [])]).toEqual(Array(16).fill(1));
  });

  it('opens in another thread with the same keys in the same slots, the empty key and no keys included', () => {
    for (const keys of [['a', 'b', ''], [], ['']]) {
      const table = SharedValueTable.create(keys, OPTIONS);
      const opened = SharedValueTable.open(structuredClone(table.init));
      expect(opened.keys()).toEqual(keys);
      for (const [i, key] of keys.entries()) table.put(key, filled(1, i));
      expect(keys.map((key) => opened.get(key)?.[0])).toEqual(keys.map((_, i) => i));
    }
    expect(() => SharedValueTable.create(['two\nlines'], OPTIONS)).toThrow(RangeError);
    expect(() => SharedValueTable.create(['a', '', 'ends\n'], OPTIONS)).toThrow(/ends/);
  });

  it('places values on 8-byte boundaries (Arrow readers view them as 64-bit arrays)', () => {
    const table = SharedValueTable.create(keysOf(3), OPTIONS);
    for (const [i, length] of [3, 13, 1].entries()) table.put(`k${i}`, filled(length, i));
    expect(keysOf(3).map((key) => (table.get(key)?.byteOffset ?? -1) % 8)).toEqual([0, 0, 0]);
  });

  it('deletes a key and keys by prefix, answering what was live', () => {
    const table = SharedValueTable.create(['run-1/a', 'run-1/b', 'run-1/c', 'run-2/a'], OPTIONS);
    for (const key of ['run-1/a', 'run-1/b', 'run-2/a']) table.put(key, filled(4, 1));

    expect(table.delete('run-1/b')).toBe(true);
    expect(table.delete('run-1/b')).toBe(false);
    expect(table.delete('not-a-key')).toBe(false);
    expect(deletedKeys(table, 'run-1/')).toEqual(['run-1/a']);
    expect(table.get('run-1/a')).toBeUndefined();
    expect(table.get('run-2/a')).toBeDefined();
    expect(table.put('run-1/a', filled(4, 3))).toBe('stored');
  });

  it('a table told its keys\' common prefix clears them all for a prefix of it, and compares keys for a longer one', () => {
    const table = SharedValueTable.create(['run-1/out/a', 'run-1/out/b', 'run-1/out/c'], { ...OPTIONS, keyPrefix: 'run-1/out/' });
    for (const key of ['run-1/out/a', 'run-1/out/b', 'run-1/out/c']) table.put(key, filled(4, 1));

    expect(table.deletePrefix('run-2/')).toBe(0);
    expect(deletedKeys(table, 'run-1/out/b')).toEqual(['run-1/out/b']);
    expect(table.deletePrefix('run-1/')).toBe(2);
    expect(table.liveEntries()).toEqual([]);
  });

  it('the table that made the keys (it indexes them only when asked) clears and lists values other threads put, a key listed twice once', async () => {
    // Prepare: the maker looks no key up before the threads put (as the main thread during a run).
    const table = SharedValueTable.create(['run-1/a', 'run-1/b', 'run-1/a', 'run-2/a'], OPTIONS);
    await race(table.init, [[['run-1/a', 4, 1], ['run-2/a', 8, 2]], [['run-1/b', 2, 3]]]);

    // Act / Assess
    const live = table.liveEntries();
    expect(live.map((e) => [e.key, e.value.byteLength, e.value[0]]).sort()).toEqual([['run-1/a', 4, 1], ['run-1/b', 2, 3], ['run-2/a', 8, 2]]);
    for (const entry of live) expect(entry.expiresAt - Date.now()).toBeGreaterThan(55_000);
    expect(deletedKeys(table, 'run-1/').sort()).toEqual(['run-1/a', 'run-1/b']);
    expect(table.liveEntries().map((e) => e.key)).toEqual(['run-2/a']);
    expect(table.keys()).toEqual(['run-1/a', 'run-1/b', 'run-2/a']);
  });

  it('answers lookups the same before and after it indexes its keys (a key listed twice at its last slot)', () => {
    const keys = ['a', 'b', 'a', ...keysOf(20)];
    const table = SharedValueTable.create(keys, OPTIONS);
    const opened = SharedValueTable.open(table.init);
    // Twelve lookups on each side: the maker's first ones scan its key list, the rest index it.
    for (const key of ['a', 'b', 'k3', 'k19']) expect(table.put(key, filled(2, key.length))).toBe('stored');
    for (const key of ['a', 'b', 'k3', 'k19', 'nope']) {
      expect(table.knows(key)).toBe(key !== 'nope');
      expect(table.get(key)?.[0]).toBe(key === 'nope' ? undefined : key.length);
      expect(opened.get(key)?.[0]).toBe(key === 'nope' ? undefined : key.length);
    }
    expect(opened.put('a', filled(2, 9))).toBe('replaced');
    expect(table.get('a')?.[0]).toBe(9);
  });

  it('keeps a value ttlSeconds after its last put, as the memory store does', () => {
    vi.useFakeTimers({ now: 1_000_000, toFake: ['Date'] });
    const table = SharedValueTable.create(['k', 'j'], { ...OPTIONS, ttlSeconds: 10 });
    const store = new MemoryIntermediateStore({ ttlSeconds: 10 });
    table.put('k', filled(1, 1));
    void store.put('k', filled(1, 1));

    vi.advanceTimersByTime(8_000);
    expect(table.ttlMsOf('k')).toBe(2_000);
    expect(table.ttlMsOf('k')).toBe(store.ttlMs('k'));
    expect(table.put('k', filled(1, 2))).toBe('replaced');
    vi.advanceTimersByTime(8_000);
    expect(table.get('k')?.[0]).toBe(2);
    vi.advanceTimersByTime(2_000);
    expect(table.get('k')).toBeUndefined();
    expect(table.ttlMsOf('k')).toBe(-2);
    expect(table.ttlMsOf('j')).toBe(-2);
    expect(table.delete('k')).toBe(false);
    // A put after the value expired replaces nothing.
    expect(table.put('k', filled(1, 3))).toBe('stored');
    void store.close();
  });

  it('refuses every put once one did not fit in the arena or the entries, and keeps serving what it holds', () => {
    const arenaFull = SharedValueTable.create(keysOf(4), { ...OPTIONS, arenaBytes: 64 });
    expect(arenaFull.put('k0', filled(24, 1))).toBe('stored');
    expect(arenaFull.put('k1', filled(24, 2))).toBe('stored');
    expect(arenaFull.put('k2', filled(24, 3))).toBeUndefined(); // 72 > 64
    expect(arenaFull.full()).toBe(true);
    expect(arenaFull.put('k3', filled(1, 4))).toBeUndefined(); // it would fit; refused all the same
    expect([arenaFull.get('k0')?.[0], arenaFull.get('k1')?.[0], arenaFull.get('k2')]).toEqual([1, 2, undefined]);

    const entriesFull = SharedValueTable.create(['k'], { ...OPTIONS, maxEntries: 2 });
    expect(entriesFull.put('k', filled(1, 1))).toBe('stored');
    expect(entriesFull.put('k', filled(1, 2))).toBe('replaced');
    expect(entriesFull.put('k', filled(1, 3))).toBeUndefined();
    expect(entriesFull.get('k')?.[0]).toBe(2);
  });

  it('four threads putting 500 keys each and racing on 50 shared ones, while a fifth reads: every value whole, disjoint keys intact, the last write of each shared key a whole value', async () => {
    const own = [0, 1, 2, 3].map((t) => keysOf(500, `t${t}-`));
    const shared = keysOf(50, 'shared-');
    const table = SharedValueTable.create([...own.flat(), ...shared], { ...OPTIONS, arenaBytes: 64 << 20, maxEntries: 4 * 550 });
    // Value lengths vary so that entries straddle each other's words if allocation were wrong.
    const writers = own.map((keys, t) => [
      ...keys.map((key, i): ThreadPut => [key, 1 + ((i * 37 + t * 11) % 3000), (t * 50 + (i % 50)) % 251]),
      ...shared.map((key, i): ThreadPut => [key, 100 + t * 7 + i, 200 + t]),
    ]);

    const { writes, reads } = await race(table.init, writers, [...shared, ...own.map((keys) => keys[0] as string)]);

    // Each shared key: exactly one thread's put was first, the other three replaced it.
    for (let i = 0; i < shared.length; i += 1) {
      const answers = writes.map((answersOfThread) => answersOfThread[500 + i]);
      expect(answers.filter((a) => a === 'stored'), shared[i]).toHaveLength(1);
      expect(answers.filter((a) => a === 'replaced'), shared[i]).toHaveLength(3);
    }
    for (const [t, puts] of writers.entries()) {
      for (const [key, length, byte] of puts.slice(0, 500)) {
        const value = table.get(key);
        expect(value?.byteLength, key).toBe(length);
        expect(value?.every((b) => b === byte), key).toBe(true);
      }
      expect(writes[t]?.slice(0, 500).every((a) => a === 'stored')).toBe(true);
    }
    for (const [i, key] of shared.entries()) {
      const value = table.get(key) as Uint8Array;
      const writer = (value[0] as number) - 200;
      expect(value.byteLength, key).toBe(100 + writer * 7 + i);
      expect(value.every((b) => b === value[0])).toBe(true);
    }
    expect(reads.length).toBeGreaterThanOrEqual(shared.length + 4);
    expect(reads.every(([, , , whole]) => whole)).toBe(true);
  });
});

describe('MemoryIntermediateStore with a shared value table', () => {
  it('reads through the table: values threads put there are the store\'s, and the store\'s puts of its keys go there', async () => {
    const store = new MemoryIntermediateStore();
    const table = SharedValueTable.create(['run/a', 'run/b', 'run/c'], OPTIONS);
    store.useSharedValues(table);
    const thread = SharedValueTable.open(table.init);

    thread.put('run/a', filled(3, 1));
    expect([...(await store.get('run/a'))]).toEqual([1, 1, 1]);
    expect(await store.has('run/a')).toBe(true);
    expect(await store.size('run/a')).toBe(3);
    expect(store.ttlMs('run/a')).toBeGreaterThan(59_000);
    await store.put('run/b', filled(2, 2));
    await store.put('other', filled(2, 3));
    expect(thread.get('run/b')?.[0]).toBe(2);
    expect(thread.get('other')).toBeUndefined();
    expect(await store.deletePrefix('run/')).toBe(2);
    await expect(store.get('run/a')).rejects.toBeInstanceOf(NotFoundError);
    expect(thread.get('run/b')).toBeUndefined();
    expect(await store.has('other')).toBe(true);
    await store.close();
  });

  it('counts overwrites and deletes of table values as changes (thread caches drop what they hold)', async () => {
    const store = new MemoryIntermediateStore();
    const table = SharedValueTable.create(['k'], OPTIONS);
    store.useSharedValues(table);
    const changes = () => Atomics.load(store.changes, 0);

    await store.put('k', filled(1, 1));
    const before = changes();
    await store.put('k', filled(1, 2));
    expect(changes()).toBe(before + 1);
    await store.delete('k');
    expect(changes()).toBe(before + 2);
    await store.delete('k');
    expect(changes()).toBe(before + 2);
    await store.close();
  });

  it('once the table is full, puts go to the map, hiding the table\'s older value; the map\'s value goes when a later put fits the table', async () => {
    const store = new MemoryIntermediateStore();
    const table = SharedValueTable.create(['a', 'b'], { ...OPTIONS, arenaBytes: 16 });
    store.useSharedValues(table);

    await store.put('a', filled(8, 1));
    await store.put('b', filled(16, 2)); // does not fit: the table is full from now on
    await store.put('a', filled(4, 3)); // refused by the table: the map's, and the table's 'a' unpublished
    expect([...(await store.get('a'))]).toEqual([3, 3, 3, 3]);
    expect(table.get('a')).toBeUndefined();
    expect([...(await store.get('b'))]).toEqual(Array(16).fill(2));
    expect(await store.deletePrefix('')).toBe(2);

    // A large value (refused for its size, the table not full) then a small one of the same key.
    const roomy = SharedValueTable.create(['c'], { ...OPTIONS, maxValueBytes: 100 });
    store.useSharedValues(roomy);
    await store.put('c', filled(200, 4));
    await store.put('c', filled(10, 5));
    expect((await store.get('c')).byteLength).toBe(10);
    expect(await store.deletePrefix('c')).toBe(1);
    // The same from a thread, which puts into the table without touching the map: live in both,
    // the table's (newer) value is the one read, and the key counts once.
    await store.put('c', filled(200, 6));
    expect(SharedValueTable.open(roomy.init).put('c', filled(10, 7))).toBe('stored');
    expect((await store.get('c'))[0]).toBe(7);
    expect(await store.deletePrefix('c')).toBe(1);
    expect(await store.has('c')).toBe(false);
    await store.close();
  });

  it('a table replaced by the next one (or none) leaves its live values in the store, no longer in the table', async () => {
    const store = new MemoryIntermediateStore({ ttlSeconds: 60 });
    const table = SharedValueTable.create(['run-1/a', 'run-1/b'], OPTIONS);
    store.useSharedValues(table);
    await store.put('run-1/a', filled(2, 7));

    store.useSharedValues(SharedValueTable.create(['run-2/a'], OPTIONS));
    expect(table.get('run-1/a')).toBeUndefined();
    expect([...(await store.get('run-1/a'))]).toEqual([7, 7]);
    expect(store.ttlMs('run-1/a')).toBeGreaterThan(59_000);
    store.useSharedValues(undefined);
    expect(await store.has('run-1/a')).toBe(true);
    expect(await store.has('run-1/b')).toBe(false);
    await store.close();
  });
});
