/** What a thread needs to open the same table (posted to it; the buffers are shared, not copied). */
export interface SharedValueTableInit {
  /** The counters, one slot per key and the entries (see the layout below). */
  readonly words: SharedArrayBuffer;
  /** The values' bytes, handed out by a bump allocator and never reused. */
  readonly arena: SharedArrayBuffer;
  /**
   * The keys, UTF-8, one a line, in slot order: shared memory, so that handing the table to each
   * thread copies nothing (a run's tens of thousands of keys as an array of strings cost the
   * poster milliseconds per thread), and each thread decodes them itself.
   */
  readonly keyLines: SharedArrayBuffer;
  /** How many keys keyLines holds (no line at all and one empty key read the same). */
  readonly keyCount: number;
  readonly maxEntries: number;
  /** Values from this size on are not taken (the caller shares large values another way). */
  readonly maxValueBytes: number;
  readonly ttlSeconds: number;
  /** Date.now() when the table was made: write times are stored as ms since then (int32). */
  readonly epochMs: number;
}

export interface SharedValueTableOptions {
  readonly arenaBytes: number;
  /** Entries (puts) the table takes in all: one per put, overwrites included. */
  readonly maxEntries: number;
  readonly maxValueBytes: number;
  readonly ttlSeconds: number;
  /**
   * Every key starts with this (the caller makes them so): deleting a prefix of it, a run's
   * cleanup, unpublishes every slot without comparing 32,767 keys.
   */
  readonly keyPrefix?: string;
}

/** A live value of the table, with its expiry (epoch ms). */
export interface LiveSharedValue {
  readonly key: string;
  readonly value: Uint8Array;
  readonly expiresAt: number;
}

/** What a put did: stored a value where none was live, or replaced a live one. */
export type SharedPut = 'stored' | 'replaced';

// Layout of `words`: two counters, a slot per key (its published entry + 1; 0: none), then the
// entries, ENTRY_WORDS each.
const ARENA_TOP = 0;
const ENTRY_TOP = 1;
/** Set once a put did not fit: every later put is refused too (see put()). */
const FULL = 2;
const SLOTS_AT = 3;
const ENTRY_OFFSET = 0;
const ENTRY_LENGTH = 1;
const ENTRY_WRITTEN = 2;
const ENTRY_WORDS = 3;
/** Lookups of a table's keys answered by a scan of the key list before the table indexes them. */
const LOOKUPS_BEFORE_INDEXING = 8;
/** Values start on 8-byte boundaries: Arrow IPC readers view their buffers as 64-bit arrays. */
const ALIGN_BYTES = 8;

/**
 * Values of a known set of keys in shared memory, written and read by any thread without a
 * message: the embedded backend makes one per run for the run's task outputs, so that an executor
 * thread's put costs a copy and an atomic store, and a get of another thread's output costs a
 * lookup, with no work for the main thread.
 *
 * A put copies the value into the arena (space taken by an atomic bump, never reused while the
 * table lives, so a value read from it never changes under its reader), writes an entry (offset,
 * length, write time) and publishes it in the key's slot with one atomic exchange: readers that
 * see the slot see the entry and the bytes. A later put of the same key (a retry, a duplicate
 * delivery) publishes a new entry: the last write wins. A delete unpublishes. Keys live
 * `ttlSeconds` after their last write, as the memory store's do.
 *
 * A put the table cannot take (a key it does not know, a value of maxValueBytes or more, the
 * arena or the entries used up) answers undefined: the caller stores the value elsewhere. Once
 * one put has not fit, the table takes no more puts, so a value stored elsewhere for a key is
 * never followed by an older-looking one here.
 */
export class SharedValueTable {
  private readonly words: Int32Array;
  private readonly bytes: Uint8Array;
  /** Slot of each key, indexed when first asked for (see the `slots` getter). */
  private slotsByKey: Map<string, number> | undefined;
  /** Lookups left that scan the key list instead of indexing it (see slotOf). */
  private scansLeft: number;
  private readonly entriesAt: number;
  private readonly ttlMs: number;

  private constructor(
    readonly init: SharedValueTableInit,
    /** The keys in slot order: key i has slot SLOTS_AT + i. */
    private readonly keyList: readonly string[],
    scans: number,
    private readonly keyPrefix?: string,
  ) {
    this.scansLeft = scans;
    this.words = new Int32Array(init.words);
    this.bytes = new Uint8Array(init.arena);
    this.entriesAt = SLOTS_AT + keyList.length;
    this.ttlMs = init.ttlSeconds * 1000;
  }

  /** A new, empty table for `keys` (the main thread makes one per run). */
  static create(keys: readonly string[], options: SharedValueTableOptions): SharedValueTable {
    if (options.arenaBytes > 2 ** 31 - 1) throw new RangeError(`arenaBytes must stay under 2 GiB, got ${options.arenaBytes}`);
    const lines = keys.join('\n');
    // Keys are lines: the joined text must hold one break fewer than there are keys. Counted on
    // the text (a native search per key), not by a callback per key (~2 ms a run of TR large).
    if (breaksIn(lines) !== Math.max(0, keys.length - 1)) {
      const badKey = keys.find((key) => key.includes('\n'));
      throw new RangeError(`a shared value table key may not hold a line break: ${JSON.stringify(badKey)}`);
    }
    const encoded = new TextEncoder().encode(lines);
    const keyLines = new SharedArrayBuffer(encoded.byteLength);
    new Uint8Array(keyLines).set(encoded);
    const words = new SharedArrayBuffer((SLOTS_AT + keys.length + options.maxEntries * ENTRY_WORDS) * 4);
    const init = { words, arena: new SharedArrayBuffer(options.arenaBytes), keyLines, keyCount: keys.length, maxEntries: options.maxEntries, maxValueBytes: options.maxValueBytes, ttlSeconds: options.ttlSeconds, epochMs: Date.now() };
    return new SharedValueTable(init, keys, LOOKUPS_BEFORE_INDEXING, options.keyPrefix);
  }

  /** The same table in another thread. */
  static open(init: SharedValueTableInit): SharedValueTable {
    const text = new TextDecoder().decode(new Uint8Array(init.keyLines));
    // A thread looks keys up on every put and get: it indexes them on its first.
    return new SharedValueTable(init, init.keyCount === 0 ? [] : text.split('\n'), 0);
  }

  /**
   * The slots by key, indexed when first asked for: the main thread makes a table per run and
   * mostly only clears it after the run (deletePrefix and liveEntries walk the key list), while
   * the threads put and get. Indexing a run's 32,767 keys (TR large) took the main thread
   * ~10 ms a run, ~0.3 us a task. A key listed twice has the slot of its last listing, as a
   * Map filled in order gives it; its earlier slot is never published.
   */
  private get slots(): Map<string, number> {
    if (this.slotsByKey) return this.slotsByKey;
    this.slotsByKey = this.indexed();
    return this.slotsByKey;
  }

  /**
   * The slot of `key`, or undefined. The first few lookups of a table not yet indexed scan the
   * key list (the client's get of a run's few outputs at its end: tens of microseconds each,
   * where indexing TR large's keys took milliseconds); later ones index it.
   */
  private slotOf(key: string): number | undefined {
    if (this.slotsByKey === undefined && this.scansLeft > 0) {
      this.scansLeft -= 1;
      const i = this.keyList.lastIndexOf(key);
      return i < 0 ? undefined : SLOTS_AT + i;
    }
    return this.slots.get(key);
  }

  private indexed(): Map<string, number> {
    const slots = new Map<string, number>();
    this.keyList.forEach((key, i) => slots.set(key, SLOTS_AT + i));
    return slots;
  }

  /** The table's keys, in slot order (each once). */
  keys(): string[] {
    return [...this.slots.keys()];
  }

  /** Whether `key` is one of the table's keys (whether or not it holds a value now). */
  knows(key: string): boolean {
    return this.slotOf(key) !== undefined;
  }

  /** Whether puts are refused from now on (a put did not fit). */
  full(): boolean {
    return Atomics.load(this.words, FULL) !== 0;
  }

  /** Stores a copy of `value` for `key`; undefined when the table cannot take it (see the class). */
  put(key: string, value: Uint8Array): SharedPut | undefined {
    const slot = this.slotOf(key);
    const length = value.byteLength;
    if (slot === undefined || length >= this.init.maxValueBytes || this.full()) return undefined;
    const offset = this.take(ARENA_TOP, alignUp(length), this.bytes.byteLength);
    const entry = offset < 0 ? -1 : this.take(ENTRY_TOP, 1, this.init.maxEntries);
    if (entry < 0) {
      Atomics.store(this.words, FULL, 1);
      return undefined;
    }
    this.bytes.set(value, offset);
    const at = this.entriesAt + entry * ENTRY_WORDS;
    this.words[at + ENTRY_OFFSET] = offset;
    this.words[at + ENTRY_LENGTH] = length;
    const written = this.now();
    this.words[at + ENTRY_WRITTEN] = written;
    // The exchange publishes the writes above: a reader's Atomics.load of the slot that sees this
    // entry sees its words and bytes (an atomic write and read of one location synchronize).
    const previous = Atomics.exchange(this.words, slot, entry + 1);
    return previous !== 0 && this.isLive(previous - 1, written) ? 'replaced' : 'stored';
  }

  /** The live value of `key` (a view of the arena: never written again), or undefined. */
  get(key: string): Uint8Array | undefined {
    const entry = this.published(key);
    if (entry < 0 || !this.isLive(entry)) return undefined;
    return this.valueOf(entry);
  }

  private valueOf(entry: number): Uint8Array {
    const at = this.entriesAt + entry * ENTRY_WORDS;
    return new Uint8Array(this.init.arena, this.words[at + ENTRY_OFFSET] as number, this.words[at + ENTRY_LENGTH] as number);
  }

  /** Remaining TTL of `key` in ms; -2 when it holds no live value (as the memory store's ttlMs). */
  ttlMsOf(key: string): number {
    const entry = this.published(key);
    if (entry < 0 || !this.isLive(entry)) return -2;
    return this.ttlMs - (this.now() - (this.words[this.entriesAt + entry * ENTRY_WORDS + ENTRY_WRITTEN] as number));
  }

  /** Unpublishes `key`'s value; returns whether it was live. */
  delete(key: string): boolean {
    const slot = this.slotOf(key);
    return slot !== undefined && this.unpublish(slot, this.now());
  }

  /**
   * Unpublishes every key that starts with `prefix`; returns how many held a live value, and
   * tells `deleted` each of them (the caller that needs their names; a run's cleanup does not).
   */
  deletePrefix(prefix: string, deleted?: (key: string) => void): number {
    // One pass over the slots, one clock reading: a run's cleanup covers all its keys.
    const now = this.now();
    const all = this.keyPrefix !== undefined && this.keyPrefix.startsWith(prefix);
    const keys = this.keyList;
    let count = 0;
    for (let i = 0; i < keys.length; i += 1) {
      if (!all && !(keys[i] as string).startsWith(prefix)) continue;
      if (!this.unpublish(SLOTS_AT + i, now)) continue;
      count += 1;
      deleted?.(keys[i] as string);
    }
    return count;
  }

  /** Every live value with its expiry (epoch ms), for an owner that moves them elsewhere. */
  liveEntries(): LiveSharedValue[] {
    const live: LiveSharedValue[] = [];
    this.keyList.forEach((key, i) => {
      const published = Atomics.load(this.words, SLOTS_AT + i) - 1;
      if (published < 0 || !this.isLive(published)) return;
      const value = this.valueOf(published);
      live.push({ key, value, expiresAt: Date.now() + this.ttlMs - (this.now() - (this.words[this.entriesAt + published * ENTRY_WORDS + ENTRY_WRITTEN] as number)) });
    });
    return live;
  }

  private unpublish(slot: number, now: number): boolean {
    const previous = Atomics.exchange(this.words, slot, 0);
    return previous !== 0 && this.isLive(previous - 1, now);
  }

  private published(key: string): number {
    const slot = this.slotOf(key);
    return slot === undefined ? -1 : Atomics.load(this.words, slot) - 1;
  }

  private isLive(entry: number, now = this.now()): boolean {
    return now - (this.words[this.entriesAt + entry * ENTRY_WORDS + ENTRY_WRITTEN] as number) < this.ttlMs;
  }

  /** Takes `count` from the counter at `index` if it stays within `limit`: the old count, or -1. */
  private take(index: number, count: number, limit: number): number {
    let top = Atomics.load(this.words, index);
    for (;;) {
      if (top + count > limit) return -1;
      const seen = Atomics.compareExchange(this.words, index, top, top + count);
      if (seen === top) return top;
      top = seen;
    }
  }

  private now(): number {
    return Date.now() - this.init.epochMs;
  }
}

function breaksIn(text: string): number {
  let breaks = 0;
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) breaks += 1;
  return breaks;
}

function alignUp(bytes: number): number {
  return Math.ceil(bytes / ALIGN_BYTES) * ALIGN_BYTES;
}
