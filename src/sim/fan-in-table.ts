import type { FanInMark } from '../model/fan-in-mark.js';

interface FanInEntry {
  /** Parents marked so far; dropped once the fan-in completes (all parents are then marked). */
  members: Set<string> | undefined;
  marked: number;
  completer: string | undefined;
}

/** A fan-in check after completion: impossible in WUKONG mode (a parent checks before it marks). */
export class FanInStateError extends Error {
  constructor(readonly childId: string) {
    super(`fan-in of ${childId} checked after it completed`);
    this.name = 'FanInStateError';
  }
}

/**
 * The coordinator's fan-in counters, synchronous, with exactly the FanInMark semantics of
 * src/storage/coordinator.ts: a mark is atomic and idempotent per parent; `complete` is true for
 * exactly one parent (the one whose mark made the set complete), and true again if that parent
 * repeats its mark. Members are freed when a fan-in completes, so memory stays bounded by the
 * fan-ins in progress.
 */
export class FanInTable {
  private readonly entries = new Map<string, FanInEntry>();
  completions = 0;

  mark(childId: string, parentId: string, expected: number): FanInMark {
    let entry = this.entries.get(childId);
    if (!entry) {
      entry = { members: new Set(), marked: 0, completer: undefined };
      this.entries.set(childId, entry);
    }
    if (entry.members === undefined) {
      // Completed: every parent is marked, so any mark now repeats one.
      return { complete: entry.completer === parentId, marked: entry.marked, duplicate: true };
    }
    const duplicate = entry.members.has(parentId);
    if (!duplicate) {
      entry.members.add(parentId);
      entry.marked += 1;
    }
    if (entry.marked >= expected) {
      entry.completer = parentId;
      entry.members = undefined;
      this.completions += 1;
    }
    return { complete: entry.completer === parentId, marked: entry.marked, duplicate };
  }

  /**
   * Drops `childId`'s fan-in: a drift re-plan (./drift-trigger.ts) gives the tasks it plans again
   * fresh fan-ins, as a new plan's keys would be (their remote parents and counts change).
   */
  forget(childId: string): void {
    this.entries.delete(childId);
  }

  /** Parents marked so far for `childId`'s fan-in. */
  members(childId: string): string[] {
    const entry = this.entries.get(childId);
    if (!entry) return [];
    if (entry.members === undefined) throw new FanInStateError(childId);
    return [...entry.members];
  }
}
