import type { ExecutorReport } from '../model/run-events.js';
import type { Container } from './lambda-platform.js';

/**
 * Workers of a phase (src/plan/replan-phases.ts) that finished their tasks and stay up, waiting in
 * their inbox for the next phase: the client hands each one a worker of the new plan instead of
 * invoking a fresh one, so the phase boundary costs a message (one round trip), not an Invoke call
 * and a start-up. A held worker is billed while it waits; one that waits longer than the hold
 * window stops (its environment is then warm and idle, as after any stop).
 */
export interface HeldWorker {
  readonly container: Container;
  readonly memoryMb: number;
  /** When it finished its phase and began to wait. */
  readonly sinceMs: number;
  /** Its report as of that moment; it ends when the worker is handed over or stops. */
  readonly report: ExecutorReport;
}

export class HandOverPool {
  private readonly held: HeldWorker[] = [];

  hold(worker: HeldWorker): void {
    this.held.push(worker);
  }

  /** The worker held longest on this tier, taken out of the pool. */
  take(memoryMb: number): HeldWorker | undefined {
    const index = this.held.findIndex((w) => w.memoryMb === memoryMb);
    return index === -1 ? undefined : this.held.splice(index, 1)[0];
  }

  /** Takes `worker` out; false when it was already handed over or let go. */
  remove(worker: HeldWorker): boolean {
    const index = this.held.indexOf(worker);
    if (index === -1) return false;
    this.held.splice(index, 1);
    return true;
  }

  /** Every worker still held, taken out of the pool. */
  drain(): HeldWorker[] {
    return this.held.splice(0, this.held.length);
  }

  /** Held workers per memory tier (MB): what a re-planner may start without a start-up. */
  countByTier(): Map<number, number> {
    const counts = new Map<number, number>();
    for (const w of this.held) counts.set(w.memoryMb, (counts.get(w.memoryMb) ?? 0) + 1);
    return counts;
  }

  get size(): number {
    return this.held.length;
  }
}
