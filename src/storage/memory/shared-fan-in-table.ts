import type { FanInMark } from '../coordinator.js';

/** One fan-in the table serves: its coordination key and every parent that may mark it. */
export interface FanInEntry {
  readonly key: string;
  readonly parents: readonly string[];
}

/** What a thread needs to open the same table (posted to it; the buffer is shared, not copied). */
export interface SharedFanInTableInit {
  readonly buffer: SharedArrayBuffer;
  /**
   * The table's fan-ins in slot order. Absent where each side builds them itself, when first
   * needed, from what it already has (an embedded run's DAG: ../../runtime/embedded/run-fan-in-table.ts),
   * so that the main thread neither makes nor posts 16,383 of them a run.
   */
  readonly entries?: readonly FanInEntry[];
  /** Every key of the table starts with this (a key that does not is answered without the entries). */
  readonly keyPrefix?: string;
  readonly ttlSeconds: number;
  /** Date.now() when the table was made: touch times are stored as ms since then (int32). */
  readonly epochMs: number;
}

// Words of one slot, then one bit per parent (by its position in the entry's parent list).
const LOCK = 0;
/** The slot's words (set when the table is made): slots are found by walking these. */
const SIZE = 1;
const COUNT = 2;
/** Position + 1 of the parent whose mark completed the fan-in; 0 while none has. */
const COMPLETER = 3;
const TOUCHED = 4;
const HEADER_WORDS = 5;

const UNLOCKED = 0;
const LOCKED = 1;
const CONTENDED = 2;
/** Tries of a contended lock before the thread sleeps on it (a holder runs a few dozen instructions). */
const SPINS = 64;
/** A sleeping waiter looks again this often (ms)... */
const WAIT_MS = 50;
/**
 * ...and takes the lock after this long (ms): a holder runs a few dozen instructions, so one that
 * has not let go in 2 s was terminated while holding it.
 */
const STEAL_AFTER_MS = 2_000;

/**
 * Fan-in marks of one run in shared memory, so that every executor thread of the embedded backend
 * marks and checks fan-ins itself instead of asking the main thread (a message-port round trip of
 * tens of microseconds per mark). The layout is dense: the run's DAG is known when the table is
 * made, so each fan-in gets a slot and each of its parents a bit.
 *
 * Each slot is guarded by a lock word (a futex-style mutex on Atomics): the critical section is the
 * MemoryCoordinator's own few steps, so the answers are the same as its answers, exactly one
 * completer included, whatever the threads interleave. Keys live `ttlSeconds` after their last
 * mark, as the coordinator's do. A key or parent the table does not know is not served here
 * (`mark` answers undefined); the caller then uses its coordinator for it.
 */
export class SharedFanInTable {
  private readonly words: Int32Array;
  private slotsByKey: Map<string, Slot> | undefined;
  private readonly ttlMs: number;

  private readonly entries: () => readonly FanInEntry[];

  private constructor(
    readonly init: SharedFanInTableInit,
    entries?: () => readonly FanInEntry[],
  ) {
    this.words = new Int32Array(init.buffer);
    this.ttlMs = init.ttlSeconds * 1000;
    const given = init.entries;
    if (given) this.entries = () => given;
    else if (entries) this.entries = entries;
    else throw new Error('a shared fan-in table needs its entries');
  }

  /**
   * The slots by key, indexed when first asked for: the main thread makes a table per run and
   * mostly only clears it after the run (deletePrefix walks the entries), while the threads mark.
   */
  private get slots(): Map<string, Slot> {
    if (this.slotsByKey) return this.slotsByKey;
    const slots = new Map<string, Slot>();
    this.eachEntry((entry, offset) => slots.set(entry.key, { offset, entry }));
    this.slotsByKey = slots;
    return slots;
  }

  private eachEntry(visit: (entry: FanInEntry, offset: number) => void): void {
    let offset = 0;
    for (const entry of this.entries()) {
      visit(entry, offset);
      offset += this.at(offset + SIZE);
    }
  }

  /** A new, empty table for `entries` (each slot sized for its parents). */
  static create(entries: readonly FanInEntry[], ttlSeconds: number): SharedFanInTable {
    const table = SharedFanInTable.sized(
      entries.map((entry) => entry.parents.length),
      ttlSeconds,
    );
    return new SharedFanInTable({ ...table, entries });
  }

  /**
   * A new, empty table of one slot per fan-in, for at most `parentCounts[i]` parents each; its
   * entries (as many, in the same order) are asked of `entries` only when a key is first looked up.
   */
  static createLazily(parentCounts: readonly number[], entries: () => readonly FanInEntry[], ttlSeconds: number, keyPrefix: string): SharedFanInTable {
    return new SharedFanInTable({ ...SharedFanInTable.sized(parentCounts, ttlSeconds), keyPrefix }, entries);
  }

  private static sized(parentCounts: readonly number[], ttlSeconds: number): SharedFanInTableInit {
    let words = 0;
    for (const parents of parentCounts) words += slotWords(parents);
    const buffer = new SharedArrayBuffer(Math.max(4, words * 4));
    const view = new Int32Array(buffer);
    let offset = 0;
    for (const parents of parentCounts) {
      view[offset + SIZE] = slotWords(parents);
      offset += slotWords(parents);
    }
    return { buffer, ttlSeconds, epochMs: Date.now() };
  }

  /** The same table in another thread (`entries`: where the init carries none, as createLazily's). */
  static open(init: SharedFanInTableInit, entries?: () => readonly FanInEntry[]): SharedFanInTable {
    return new SharedFanInTable(init, entries);
  }

  /** Whether `key` is one of this table's fan-ins. */
  has(key: string): boolean {
    if (this.init.keyPrefix !== undefined && !key.startsWith(this.init.keyPrefix)) return false;
    return this.slots.has(key);
  }

  /** Coordinator.markFanIn for a key of this table; undefined when the table does not know the key or parent. */
  mark(key: string, parentId: string, expected: number): FanInMark | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    slot.positions ??= new Map(slot.entry.parents.map((parent, i) => [parent, i]));
    const position = slot.positions.get(parentId);
    if (position === undefined) return undefined;
    const { offset } = slot;
    const word = offset + HEADER_WORDS + (position >>> 5);
    const bit = 1 << (position & 31);
    return this.locked(offset, () => {
      this.expireIfStale(offset);
      const duplicate = (this.at(word) & bit) !== 0;
      if (!duplicate) {
        this.words[word] = this.at(word) | bit;
        this.words[offset + COUNT] = this.at(offset + COUNT) + 1;
      }
      const marked = this.at(offset + COUNT);
      if (this.at(offset + COMPLETER) === 0 && marked >= expected) this.words[offset + COMPLETER] = position + 1;
      this.words[offset + TOUCHED] = this.now();
      return { complete: this.at(offset + COMPLETER) === position + 1, marked, duplicate };
    });
  }

  /** Coordinator.fanInMembers for a key of this table (in parent order); undefined when it does not know the key. */
  members(key: string): string[] | undefined {
    const slot = this.slots.get(key);
    if (!slot) return undefined;
    const { offset, entry } = slot;
    return this.locked(offset, () => {
      this.expireIfStale(offset);
      return entry.parents.filter((_, i) => (this.at(offset + HEADER_WORDS + (i >>> 5)) & (1 << (i & 31))) !== 0);
    });
  }

  /** Keys with at least one live mark that start with `prefix`. */
  keys(prefix: string): string[] {
    if (this.init.keyPrefix !== undefined && !this.init.keyPrefix.startsWith(prefix) && !prefix.startsWith(this.init.keyPrefix)) return [];
    return [...this.slots.keys()].filter((key) => key.startsWith(prefix) && this.ttlOf(key) > 0);
  }

  /** Forgets the marks of every key starting with `prefix`; returns how many live keys went. */
  deletePrefix(prefix: string): number {
    const keyPrefix = this.init.keyPrefix;
    let deleted = 0;
    const remove = (offset: number) =>
      this.locked(offset, () => {
        if (this.live(offset)) deleted += 1;
        this.clear(offset);
      });
    if (keyPrefix !== undefined && keyPrefix.startsWith(prefix)) {
      // Every key goes (the run's cleanup): the slots are walked by their sizes, and entries never
      // built on this thread are not built for it.
      for (let offset = 0; offset < this.words.length && this.at(offset + SIZE) > 0; offset += this.at(offset + SIZE)) remove(offset);
      return deleted;
    }
    if (keyPrefix !== undefined && !prefix.startsWith(keyPrefix)) return 0;
    this.eachEntry((entry, offset) => {
      if (entry.key.startsWith(prefix)) remove(offset);
    });
    return deleted;
  }

  /** Coordinator.ttlMs for a key of this table; -2 when it has no live marks or is not one of the table's. */
  ttlOf(key: string): number {
    const slot = this.slots.get(key);
    if (!slot) return -2;
    return this.locked(slot.offset, () => (this.live(slot.offset) ? this.ttlMs - (this.now() - this.at(slot.offset + TOUCHED)) : -2));
  }

  private live(offset: number): boolean {
    return this.at(offset + COUNT) > 0 && this.now() - this.at(offset + TOUCHED) < this.ttlMs;
  }

  private expireIfStale(offset: number): void {
    if (this.at(offset + COUNT) > 0 && !this.live(offset)) this.clear(offset);
  }

  private clear(offset: number): void {
    this.words.fill(0, offset + COUNT, offset + this.at(offset + SIZE));
  }

  private at(index: number): number {
    return this.words[index] as number;
  }

  private now(): number {
    return Date.now() - this.init.epochMs;
  }

  /**
   * Runs `section` holding the slot's lock. The lock's Atomics operations order everything the
   * section reads and writes with every other thread's sections on the slot (plain reads and writes
   * inside are enough: a lock acquire/release is a full fence on both sides).
   */
  private locked<T>(offset: number, section: () => T): T {
    const lock = offset + LOCK;
    let state = Atomics.compareExchange(this.words, lock, UNLOCKED, LOCKED);
    if (state !== UNLOCKED) {
      for (let spin = 0; spin < SPINS && state !== UNLOCKED; spin += 1) state = Atomics.compareExchange(this.words, lock, UNLOCKED, LOCKED);
      if (state !== UNLOCKED) {
        // Contended: mark it so the holder wakes us, and sleep until the lock is free.
        const since = Date.now();
        if (state !== CONTENDED) state = Atomics.exchange(this.words, lock, CONTENDED);
        while (state !== UNLOCKED) {
          if (Date.now() - since > STEAL_AFTER_MS) {
            this.repair(offset);
            break;
          }
          Atomics.wait(this.words, lock, CONTENDED, WAIT_MS);
          state = Atomics.exchange(this.words, lock, CONTENDED);
        }
      }
    }
    try {
      return section();
    } finally {
      if (Atomics.exchange(this.words, lock, UNLOCKED) === CONTENDED) Atomics.notify(this.words, lock, 1);
    }
  }

  /**
   * The lock's holder never let go: its thread was terminated inside the few steps it guards (a
   * thread killed by the pool). Its mark may have set its bit without counting it: the count is
   * made again from the bits. A retry of that parent then finds its mark, and completes the fan-in
   * if it was the last one.
   */
  private repair(offset: number): void {
    let count = 0;
    // Bits past the slot's parents are never set, so every bit word of the slot is counted.
    for (let i = offset + HEADER_WORDS; i < offset + this.at(offset + SIZE); i += 1) count += bitCount(this.at(i));
    this.words[offset + COUNT] = count;
  }
}

function bitCount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24);
}

interface Slot {
  readonly offset: number;
  readonly entry: FanInEntry;
  positions?: Map<string, number>;
}

function slotWords(parents: number): number {
  return HEADER_WORDS + Math.ceil(parents / 32);
}
