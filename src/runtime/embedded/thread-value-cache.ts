import { TtlMap } from '../../storage/memory/ttl-map.js';

/**
 * An executor thread's copies of the intermediates it put or got from the main thread's memory
 * store, so that a later get of the same key in this thread (the next task of a chain, a fan-out's
 * children sharing one parent, a fan-in whose parents ran here) needs no round trip.
 *
 * A copy is served only while it is certainly what the store holds: the store counts every
 * overwrite and delete in shared memory (`changes`), and the whole cache is dropped when that
 * count moved; each copy also expires no later than the store's own entry does.
 */
export class ThreadValueCache {
  // The TTL argument is unused: every copy expires when the store's entry does (setUntil).
  private readonly entries = new TtlMap<Uint8Array>(0);
  private seenChanges: number;

  constructor(private readonly changes: Int32Array) {
    this.seenChanges = Atomics.load(changes, 0);
  }

  /** The cached value of `key`, or undefined when there is none that is certainly current. */
  get(key: string): Uint8Array | undefined {
    this.dropIfChanged();
    return this.entries.get(key);
  }

  /**
   * Keeps `value` for `key` until `expiresAt` (epoch ms, no later than the store's entry expires).
   * `changesBefore` is the count read before the value was put or asked for: a change since then
   * may be newer than this value, so none is kept.
   */
  set(key: string, value: Uint8Array, expiresAt: number, changesBefore: number): void {
    this.dropIfChanged();
    if (changesBefore !== this.seenChanges || expiresAt <= Date.now()) return;
    this.entries.setUntil(key, value, expiresAt);
  }

  /** This thread's own overwrite or delete: forget the key now (the store's count moves later). */
  forget(key: string): void {
    this.entries.delete(key);
  }

  /** The store's change count now, to pass to set() for a value about to be put or got. */
  changeCount(): number {
    return Atomics.load(this.changes, 0);
  }

  private dropIfChanged(): void {
    const now = Atomics.load(this.changes, 0);
    if (now === this.seenChanges) return;
    this.entries.clear();
    this.seenChanges = now;
  }
}
