/**
 * The times a shared store server (one Redis node) is busy moving bytes, reserved as transfers are
 * issued. A transfer's bytes reach the server only when its executor's link sends them, which may
 * be long after it was issued (behind that executor's earlier transfers), so the server takes it
 * in the first idle stretch from then on that fits it: transfers whose bytes arrive earlier, from
 * other executors, use the server before it rather than queueing behind a reservation in the
 * future. Busy stretches that touch are merged; those over before `nowMs` are dropped, as no
 * transfer issued from then on starts earlier.
 */
export class ServerTimeline {
  /** Disjoint busy stretches, ascending: starts[i] < ends[i] <= starts[i + 1]. */
  private starts: number[] = [];
  private ends: number[] = [];
  private head = 0;

  /** Reserves `durationMs` at or after `fromMs` (>= `nowMs`) and returns when it ends. */
  reserve(fromMs: number, durationMs: number, nowMs: number): number {
    this.drop(nowMs);
    const { starts, ends } = this;
    // The first stretch still busy at fromMs: ends are ascending.
    let low = this.head;
    let high = ends.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((ends[mid] as number) <= fromMs) low = mid + 1;
      else high = mid;
    }
    let at = low;
    let start = fromMs;
    while (at < starts.length && start + durationMs > (starts[at] as number)) {
      start = Math.max(start, ends[at] as number);
      at += 1;
    }
    const end = start + durationMs;
    // Merge with the stretch before (it ends where this starts) and the one after (it starts where this ends).
    const joinsBefore = at > this.head && (ends[at - 1] as number) >= start;
    const joinsAfter = at < starts.length && (starts[at] as number) <= end;
    if (joinsBefore && joinsAfter) {
      ends[at - 1] = ends[at] as number;
      starts.splice(at, 1);
      ends.splice(at, 1);
    } else if (joinsBefore) {
      ends[at - 1] = end;
    } else if (joinsAfter) {
      starts[at] = start;
    } else {
      starts.splice(at, 0, start);
      ends.splice(at, 0, end);
    }
    return end;
  }

  private drop(nowMs: number): void {
    while (this.head < this.ends.length && (this.ends[this.head] as number) <= nowMs) this.head += 1;
    if (this.head > 1024 && this.head * 2 > this.ends.length) {
      this.starts = this.starts.slice(this.head);
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
  }
}
