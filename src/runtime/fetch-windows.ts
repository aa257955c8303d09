/**
 * The wall time a consumer spends fetching, when its fetches overlap: each consumer's busy window
 * opens with its first fetch in flight and closes with its last, so two 1-second fetches side by
 * side count 1 second, not 2 (issue 14: summed concurrent fetches recorded 740 s for one task).
 */
export class FetchWindows {
  private readonly windows = new Map<string, { inFlight: number; since: number }>();

  open(consumer: string, nowMs: number): void {
    const window = this.windows.get(consumer);
    if (window) window.inFlight += 1;
    else this.windows.set(consumer, { inFlight: 1, since: nowMs });
  }

  /** One fetch ended; returns the wall time to add (the window's length when it closes, else 0). */
  close(consumer: string, nowMs: number): number {
    const window = this.windows.get(consumer);
    if (!window) return 0;
    window.inFlight -= 1;
    if (window.inFlight > 0) return 0;
    this.windows.delete(consumer);
    return nowMs - window.since;
  }
}
