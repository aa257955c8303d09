/**
 * A binary min-heap of timed events for the discrete-event simulator. Ties in time are broken by
 * insertion order (a sequence number), so a simulation is a pure function of its inputs and seed.
 *
 * Times, sequence numbers and values sit in three parallel arrays rather than one object per
 * entry: a 1M-task simulation pushes millions of events, and the arrays avoid an allocation each.
 */
export class EventQueue<T> {
  private readonly times: number[] = [];
  private readonly seqs: number[] = [];
  private readonly values: T[] = [];
  private nextSeq = 0;

  get size(): number {
    return this.values.length;
  }

  /** Adds `value` at virtual time `timeMs`; among equal times, earlier pushes pop first. */
  push(timeMs: number, value: T): void {
    if (Number.isNaN(timeMs)) throw new RangeError('event time is NaN');
    let index = this.values.length;
    const seq = this.nextSeq;
    this.nextSeq += 1;
    this.times.push(timeMs);
    this.seqs.push(seq);
    this.values.push(value);
    // Sift up.
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(timeMs, seq, parent)) break;
      this.move(parent, index);
      index = parent;
    }
    this.place(index, timeMs, seq, value);
  }

  /** Time of the next event, or undefined when empty. */
  peekTime(): number | undefined {
    return this.times[0];
  }

  /** Removes and returns the earliest event, or undefined when empty. */
  pop(): { timeMs: number; value: T } | undefined {
    const count = this.values.length;
    if (count === 0) return undefined;
    const top = { timeMs: this.times[0] as number, value: this.values[0] as T };
    const lastTime = this.times.pop() as number;
    const lastSeq = this.seqs.pop() as number;
    const lastValue = this.values.pop() as T;
    if (count === 1) return top;
    // Sift the last entry down from the root.
    const size = count - 1;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.before(this.times[right] as number, this.seqs[right] as number, left) ? right : left;
      if (!this.entryBefore(child, lastTime, lastSeq)) break;
      this.move(child, index);
      index = child;
    }
    this.place(index, lastTime, lastSeq, lastValue);
    return top;
  }

  /** Whether (time, seq) orders strictly before the entry at `index`. */
  private before(timeMs: number, seq: number, index: number): boolean {
    const other = this.times[index] as number;
    return timeMs < other || (timeMs === other && seq < (this.seqs[index] as number));
  }

  /** Whether the entry at `index` orders strictly before (time, seq). */
  private entryBefore(index: number, timeMs: number, seq: number): boolean {
    const mine = this.times[index] as number;
    return mine < timeMs || (mine === timeMs && (this.seqs[index] as number) < seq);
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from] as number;
    this.seqs[to] = this.seqs[from] as number;
    this.values[to] = this.values[from] as T;
  }

  private place(index: number, timeMs: number, seq: number, value: T): void {
    this.times[index] = timeMs;
    this.seqs[index] = seq;
    this.values[index] = value;
  }
}
