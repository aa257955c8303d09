/**
 * A first-in, first-out queue whose take from the front costs O(1) per item: the thread pool's
 * queue holds every invocation of a run not yet sent to a thread (16,384 at the start of a tree
 * reduction of 32,767 tasks), and `Array.prototype.splice(0, n)` on it moves all the rest each
 * time, over a thousand times a run. Taken items are dropped from the front only once they are
 * half of the array, so the moves cost O(1) per item taken.
 */
export class FifoQueue<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  /** Puts `item` first (a retried invocation goes ahead of the rest, as before). */
  unshift(item: T): void {
    if (this.head > 0) {
      this.head -= 1;
      this.items[this.head] = item;
    } else {
      this.items.unshift(item);
    }
  }

  /** Takes up to `count` items from the front, in order. */
  take(count: number): T[] {
    const end = Math.min(this.items.length, this.head + count);
    const taken = this.items.slice(this.head, end) as T[];
    // Emptied slots let go of their items at once (a long queue would keep them alive otherwise).
    this.items.fill(undefined, this.head, end);
    this.head = end;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return taken;
  }
}
