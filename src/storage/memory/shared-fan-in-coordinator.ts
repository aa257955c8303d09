import type { Coordinator, FanInMark } from '../coordinator.js';
import type { SharedFanInTable } from './shared-fan-in-table.js';

/**
 * A Coordinator whose fan-in marks for the keys of a SharedFanInTable are made in that table, in
 * shared memory, by the calling thread; everything else (and every fan-in key the table does not
 * know) goes to `inner`. The embedded backend gives the main thread and each executor thread one
 * of these over the same table, so a mark costs a few atomic operations instead of a round trip.
 *
 * A table belongs to one run: `use` swaps it when the next run starts, and keys of other runs
 * (another run id, so another key) are never answered from it.
 */
export class SharedFanInCoordinator implements Coordinator {
  private table: SharedFanInTable | undefined;

  constructor(private readonly inner: Coordinator) {}

  /** Marks and reads of the table's fan-ins are atomics on shared memory; the rest is as `inner` says. */
  settlesLocally(method: string, key: string): boolean {
    if (method === 'markFanIn' || method === 'fanInMembers') return this.table?.has(key) === true;
    return this.inner.settlesLocally?.(method, key) === true;
  }

  /** Serves the fan-ins of `table` from now on (undefined: none, all go to `inner`). */
  use(table: SharedFanInTable | undefined): void {
    this.table = table;
  }

  async markFanIn(key: string, parentId: string, expected: number): Promise<FanInMark> {
    const table = this.table;
    if (table?.has(key)) {
      const mark = table.mark(key, parentId, expected);
      // A parent outside the DAG's list of this fan-in is a caller's bug; it must not be counted
      // elsewhere (the fan-in's other marks are here), so it fails loudly.
      if (!mark) throw new Error(`fan-in ${key} has no parent ${parentId}`);
      return mark;
    }
    return this.inner.markFanIn(key, parentId, expected);
  }

  async fanInMembers(key: string): Promise<string[]> {
    return this.table?.members(key) ?? this.inner.fanInMembers(key);
  }

  claim(key: string, owner: string): Promise<boolean> {
    return this.inner.claim(key, owner);
  }

  increment(key: string, by?: number): Promise<number> {
    return this.inner.increment(key, by);
  }

  setValue(key: string, value: string): Promise<void> {
    return this.inner.setValue(key, value);
  }

  getValue(key: string): Promise<string | undefined> {
    return this.inner.getValue(key);
  }

  send(key: string, message: string): Promise<void> {
    return this.inner.send(key, message);
  }

  receive(key: string, timeoutMs: number): Promise<string[]> {
    return this.inner.receive(key, timeoutMs);
  }

  async deletePrefix(prefix: string): Promise<number> {
    return (this.table?.deletePrefix(prefix) ?? 0) + (await this.inner.deletePrefix(prefix));
  }

  async keys(prefix: string): Promise<string[]> {
    return [...(this.table?.keys(prefix) ?? []), ...(await this.inner.keys(prefix))];
  }

  async ttlMs(key: string): Promise<number> {
    if (this.table?.has(key)) return this.table.ttlOf(key);
    return this.inner.ttlMs(key);
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
