/**
 * Deadlines of the store calls in flight in this thread, watched by one timer. An executor makes
 * several store calls per task; a timer, a second promise and a Promise.race each cost more than
 * the memory store's call itself (CPU profiles of the embedded no-op benchmarks, issue 20). Here a
 * call adds an entry to a set, and the one timer is moved only when a call's deadline comes
 * before the one it is set for: deadlines are mostly "now + the same limit", so it rarely is.
 *
 * The timer holds the event loop open while some call is pending (as a timer per call did) and
 * not when none is.
 */
export interface CallDeadline {
  /** When the call fails (performance.now() ms). */
  readonly at: number;
  readonly expire: () => void;
}

export class CallDeadlines {
  private readonly pending = new Set<CallDeadline>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** When the timer fires (Infinity: none set). */
  private armedAt = Number.POSITIVE_INFINITY;

  add(deadline: CallDeadline): void {
    this.pending.add(deadline);
    if (this.pending.size === 1) this.timer?.ref();
    if (deadline.at < this.armedAt) this.arm(deadline.at);
  }

  delete(deadline: CallDeadline): void {
    this.pending.delete(deadline);
    // The timer stays set (resetting it per call is what this saves), but lets the thread end.
    if (this.pending.size === 0) this.timer?.unref();
  }

  /** Calls pending (for tests). */
  get size(): number {
    return this.pending.size;
  }

  private arm(at: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.fire(), Math.max(0, at - performance.now()));
  }

  private fire(): void {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = performance.now();
    let next = Number.POSITIVE_INFINITY;
    for (const deadline of this.pending) {
      if (deadline.at <= now) {
        this.pending.delete(deadline);
        deadline.expire();
      } else next = Math.min(next, deadline.at);
    }
    // A timer may fire a little before performance.now() reaches its time: the rest wait again.
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }
}
