import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { FanInMark } from '../../../src/storage/coordinator.js';
import { MemoryCoordinator } from '../../../src/storage/memory/memory-coordinator.js';
import { SharedFanInCoordinator } from '../../../src/storage/memory/shared-fan-in-coordinator.js';
import { SharedFanInTable, type FanInEntry, type SharedFanInTableInit } from '../../../src/storage/memory/shared-fan-in-table.js';

/** The compiled table, for real threads (npm test builds first, as the embedded backend's tests need). */
const TABLE_MODULE = pathToFileURL(join(import.meta.dirname, '../../../dist/src/storage/memory/shared-fan-in-table.js')).href;

const parentsOf = (n: number, prefix = 'p') => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

interface ThreadMark {
  readonly key: string;
  readonly parent: string;
  readonly mark: FanInMark;
}

/**
 * Marks `marks` (key, parent, expected) in the table from a thread of its own, all at once (a
 * synchronous loop: the threads race each other, not the event loop), and returns the answers.
 */
function markInThread(init: SharedFanInTableInit, marks: readonly [string, string, number][]): Promise<ThreadMark[]> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    import(workerData.module).then(({ SharedFanInTable }) => {
      const table = SharedFanInTable.open(workerData.init);
      // Start together: wait until every thread is loaded, then mark without yielding.
      const gate = new Int32Array(workerData.gate);
      Atomics.add(gate, 1, 1);
      while (Atomics.load(gate, 0) === 0) Atomics.wait(gate, 0, 0, 5);
      const answers = workerData.marks.map(([key, parent, expected]) => ({ key, parent, mark: table.mark(key, parent, expected) }));
      parentPort.postMessage(answers);
    });
  `;
  return new Promise((resolve, reject) => {
    const worker = new Worker(code, { eval: true, workerData: { module: TABLE_MODULE, init, marks, gate: gateBuffer } });
    worker.once('message', resolve);
    worker.once('error', reject);
  });
}

let gateBuffer: SharedArrayBuffer;

/** Runs each thread's marks concurrently: every thread is started and waiting before any marks. */
async function race(init: SharedFanInTableInit, perThread: readonly (readonly [string, string, number][])[]): Promise<ThreadMark[][]> {
  gateBuffer = new SharedArrayBuffer(8);
  const gate = new Int32Array(gateBuffer);
  const results = perThread.map((marks) => markInThread(init, marks));
  while (Atomics.load(gate, 1) < perThread.length) await new Promise((resolve) => setTimeout(resolve, 5));
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  return Promise.all(results);
}

/** A deterministic shuffle, so each thread marks in its own order. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed;
  for (let i = out.length - 1; i > 0; i -= 1) {
    state = (state * 1103515245 + 12345) % 2147483648;
    const j = state % (i + 1);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

describe('SharedFanInTable', () => {
  it('answers as the memory coordinator does, mark by mark', async () => {
    const entries: FanInEntry[] = [
      { key: 'c', parents: ['a', 'b', 'c'] },
      { key: 'r', parents: ['a', 'b'] },
      { key: 'wide', parents: parentsOf(70) },
    ];
    const table = SharedFanInTable.create(entries, 60);
    const reference = new MemoryCoordinator({ ttlSeconds: 60 });
    const calls: [string, string, number][] = [
      ['c', 'a', 3], ['c', 'a', 3], ['c', 'b', 3], ['c', 'c', 3], ['c', 'c', 3], ['c', 'b', 3],
      ['r', 'b', 2], ['r', 'a', 2], ['r', 'a', 2], ['r', 'b', 2],
      ...shuffled(parentsOf(70), 7).map((p): [string, string, number] => ['wide', p, 70]),
      ['wide', 'p33', 70], ['wide', 'p64', 70],
    ];
    for (const [key, parent, expected] of calls) expect(table.mark(key, parent, expected), `${key} ${parent}`).toEqual(await reference.markFanIn(key, parent, expected));
    for (const { key } of entries) expect(table.members(key)?.sort()).toEqual((await reference.fanInMembers(key)).sort());
    await reference.close();
  });

  it('does not serve keys or parents it was not made for', () => {
    const table = SharedFanInTable.create([{ key: 'c', parents: ['a', 'b'] }], 60);
    expect(table.has('c')).toBe(true);
    expect(table.has('other')).toBe(false);
    expect(table.mark('other', 'a', 2)).toBeUndefined();
    expect(table.mark('c', 'stranger', 2)).toBeUndefined();
    expect(table.members('other')).toBeUndefined();
    expect(table.members('c')).toEqual([]);
  });

  it('four threads marking every parent of 20 fan-ins, each in its own order: one completer each, every parent counted once', async () => {
    const width = 40;
    const entries = Array.from({ length: 20 }, (_, i) => ({ key: `fi-${i}`, parents: parentsOf(width) }));
    const table = SharedFanInTable.create(entries, 60);
    const all = entries.flatMap(({ key }) => parentsOf(width).map((p): [string, string, number] => [key, p, width]));
    const answers = (await race(table.init, [0, 1, 2, 3].map((seed) => shuffled(all, seed + 1)))).flat();

    expect(answers).toHaveLength(4 * all.length);
    for (const { key } of entries) {
      const mine = answers.filter((a) => a.key === key);
      const firsts = mine.filter((a) => !a.mark.duplicate);
      expect(firsts, key).toHaveLength(width);
      expect(new Set(firsts.map((a) => a.parent)).size).toBe(width);
      const completing = mine.filter((a) => a.mark.complete && !a.mark.duplicate);
      expect(completing, key).toHaveLength(1);
      expect(completing[0]?.mark.marked).toBe(width);
      const completer = completing[0]?.parent;
      // Repeats by the completer see complete again; nobody else ever sees it.
      expect(mine.filter((a) => a.mark.complete).every((a) => a.parent === completer)).toBe(true);
      expect(firsts.map((a) => a.mark.marked).sort((x, y) => x - y)).toEqual(Array.from({ length: width }, (_, i) => i + 1));
      expect(table.members(key)?.length).toBe(width);
    }
  });

  it('four threads marking disjoint quarters of a 100,000-way fan-in: the count reaches 100,000 exactly once (a lock-free read-modify-write loses some here)', async () => {
    const width = 100_000;
    const table = SharedFanInTable.create([{ key: 'sink', parents: parentsOf(width) }], 60);
    const quarters = [0, 1, 2, 3].map((q) => parentsOf(width).filter((_, i) => i % 4 === q).map((p): [string, string, number] => ['sink', p, width]));
    const answers = (await race(table.init, quarters)).flat();

    expect(answers.filter((a) => a.mark.duplicate)).toEqual([]);
    expect(answers.filter((a) => a.mark.complete)).toHaveLength(1);
    const counts = Int32Array.from(answers, (a) => a.mark.marked).sort();
    expect(counts.every((count, i) => count === i + 1)).toBe(true);
    expect(table.mark('sink', 'p0', width)).toEqual({ complete: false, marked: width, duplicate: true });
  });

  it('a lock left held by a terminated thread is taken after 2 s, and the half-made mark is counted', () => {
    const table = SharedFanInTable.create([{ key: 'c', parents: ['a', 'b'] }], 60);
    // The thread marking 'a' died between setting its bit and counting it, holding the slot's lock.
    const words = new Int32Array(table.init.buffer);
    words[0] = 1; // lock word: held
    // A slot: lock, size, count, completer, touched, then the parents' bits.
    words[5] = 0b01; // a's bit, count (word 2) still 0
    const startedAt = Date.now();
    expect(table.mark('c', 'b', 2)).toEqual({ complete: true, marked: 2, duplicate: false });
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(2_000);
    // a's retry finds its mark; the fan-in completed once.
    expect(table.mark('c', 'a', 2)).toEqual({ complete: false, marked: 2, duplicate: true });
  });

  it('a lazily made table asks for its entries only to look a key of its own up, and answers as an eager one', () => {
    let asked = 0;
    const entries: FanInEntry[] = [
      { key: 'run1:fanin:c', parents: ['a', 'b'] },
      { key: 'run1:fanin:one', parents: ['a'] },
      { key: 'run1:fanin:wide', parents: parentsOf(40) },
    ];
    // Slots sized for at most this many parents each (deps counts: two outputs of one parent, here).
    const table = SharedFanInTable.createLazily([2, 2, 40], () => ((asked += 1), entries), 60, 'run1:fanin:');
    expect(table.has('run2:fanin:c')).toBe(false);
    expect(table.keys('run2:')).toEqual([]);
    expect(table.deletePrefix('run1:')).toBe(0);
    expect(asked).toBe(0);
    const other = SharedFanInTable.open(table.init, () => entries);
    expect(other.mark('run1:fanin:wide', 'p39', 2)).toEqual({ complete: false, marked: 1, duplicate: false });
    expect(table.mark('run1:fanin:wide', 'p0', 2)).toEqual({ complete: true, marked: 2, duplicate: false });
    expect(table.mark('run1:fanin:c', 'b', 2)).toEqual({ complete: false, marked: 1, duplicate: false });
    expect(other.members('run1:fanin:wide')).toEqual(['p0', 'p39']);
    expect(asked).toBe(1);
    expect(table.keys('run1:')).toEqual(['run1:fanin:c', 'run1:fanin:wide']);
    // The run's cleanup: every slot walked by its size, the other slots untouched before it.
    expect(table.deletePrefix('run1:')).toBe(2);
    expect(other.members('run1:fanin:c')).toEqual([]);
    expect(other.mark('run1:fanin:wide', 'p0', 2)).toEqual({ complete: false, marked: 1, duplicate: false });
    expect(SharedFanInTable.open(table.init, () => entries).deletePrefix('run1:fanin:w')).toBe(1);
  });

  it('keys live their TTL after the last mark, are listed and deleted by prefix', async () => {
    const table = SharedFanInTable.create(
      [
        { key: 'run-1/a', parents: ['x', 'y'] },
        { key: 'run-1/b', parents: ['x', 'y'] },
        { key: 'run-2/a', parents: ['x', 'y'] },
      ],
      1,
    );
    expect(table.keys('run-1/')).toEqual([]);
    expect(table.ttlOf('run-1/a')).toBe(-2);
    table.mark('run-1/a', 'x', 2);
    table.mark('run-2/a', 'x', 2);
    expect(table.keys('run-')).toEqual(['run-1/a', 'run-2/a']);
    expect(table.ttlOf('run-1/a')).toBeGreaterThan(0);
    expect(table.ttlOf('run-1/a')).toBeLessThanOrEqual(1000);
    expect(table.deletePrefix('run-1/')).toBe(1);
    expect(table.members('run-1/a')).toEqual([]);
    expect(table.members('run-2/a')).toEqual(['x']);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(table.members('run-2/a')).toEqual([]);
    expect(table.keys('run-')).toEqual([]);
    expect(table.mark('run-2/a', 'y', 2)).toEqual({ complete: false, marked: 1, duplicate: false });
  });
});

describe('SharedFanInCoordinator', () => {
  const closers: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  const coordinatorOver = () => {
    const inner = new MemoryCoordinator({ ttlSeconds: 60 });
    closers.push(() => inner.close());
    return { inner, shared: new SharedFanInCoordinator(inner) };
  };

  it("serves a run's fan-ins from its table, in every thread that opens it, and everything else from the coordinator", async () => {
    const { inner, shared } = coordinatorOver();
    const table = SharedFanInTable.create([{ key: 'wk:run-a:fanin:sink', parents: ['l', 'r'] }], 60);
    shared.use(table);
    const otherThread = new SharedFanInCoordinator(inner);
    otherThread.use(SharedFanInTable.open(table.init));

    expect(await shared.markFanIn('wk:run-a:fanin:sink', 'l', 2)).toMatchObject({ complete: false, marked: 1 });
    expect(await otherThread.markFanIn('wk:run-a:fanin:sink', 'r', 2)).toMatchObject({ complete: true, marked: 2 });
    expect(await inner.fanInMembers('wk:run-a:fanin:sink')).toEqual([]); // made in the table only
    // A fan-in the table does not hold (one parent, or not in the DAG) goes to the coordinator.
    expect(await otherThread.markFanIn('wk:run-a:fanin:single', 'l', 1)).toMatchObject({ complete: true });
    expect(await inner.fanInMembers('wk:run-a:fanin:single')).toEqual(['l']);
    await expect(shared.markFanIn('wk:run-a:fanin:sink', 'not-a-parent', 2)).rejects.toThrow(/has no parent not-a-parent/);
    expect((await shared.keys('wk:run-a:')).sort()).toEqual(['wk:run-a:fanin:single', 'wk:run-a:fanin:sink']);
    expect(await shared.deletePrefix('wk:run-a:')).toBe(2);
    expect(await otherThread.fanInMembers('wk:run-a:fanin:sink')).toEqual([]);
  });

  it("a run's table does not leak into the next run: its keys are its own, and the next table starts empty", async () => {
    const { shared } = coordinatorOver();
    const firstRun = SharedFanInTable.create([{ key: 'wk:run-1:fanin:sink', parents: ['l', 'r'] }], 60);
    shared.use(firstRun);
    await shared.markFanIn('wk:run-1:fanin:sink', 'l', 2);
    await shared.markFanIn('wk:run-1:fanin:sink', 'r', 2);

    // The next run, same DAG: a new table with the new run's keys.
    const secondRun = SharedFanInTable.create([{ key: 'wk:run-2:fanin:sink', parents: ['l', 'r'] }], 60);
    shared.use(secondRun);
    expect(await shared.fanInMembers('wk:run-2:fanin:sink')).toEqual([]);
    expect(await shared.markFanIn('wk:run-2:fanin:sink', 'r', 2)).toEqual({ complete: false, marked: 1, duplicate: false });
    // The first run's table is no longer consulted (its marks were never in the coordinator).
    expect(await shared.fanInMembers('wk:run-1:fanin:sink')).toEqual([]);
    expect(firstRun.members('wk:run-1:fanin:sink')).toEqual(['l', 'r']);
    expect(secondRun.members('wk:run-1:fanin:sink')).toBeUndefined();
  });
});
