import type { FanInMark } from '../model/fan-in-mark.js';

export type { FanInMark } from '../model/fan-in-mark.js';

/**
 * The coordination store: the atomic operations executors use to cooperate without a central
 * scheduler. Adapters: memory/ (one process) and redis/ (Lua scripts). Every key written gets the
 * adapter's TTL so nothing of a run leaks.
 */
export interface Coordinator {
  /** Whether a call settles without waiting on anything outside this thread: see IntermediateStore.settlesLocally. */
  settlesLocally?(method: string, key: string): boolean;
  /**
   * Marks `parentId` done for the fan-in at `key`, which completes when `expected` distinct parents
   * are marked. Atomic and idempotent per parent.
   */
  markFanIn(key: string, parentId: string, expected: number): Promise<FanInMark>;
  /** Which parents are marked so far for the fan-in at `key` (for rechecks and reports). */
  fanInMembers(key: string): Promise<string[]>;
  /**
   * Claims `key` for `owner`. True when `owner` holds the claim after the call (a repeat by the
   * holder is true again); false when someone else holds it.
   */
  claim(key: string, owner: string): Promise<boolean>;
  /** Adds `by` to the counter at `key` and returns the new value. */
  increment(key: string, by?: number): Promise<number>;
  /** Small values (a run's DAG, a plan, a schedule): set and get by key. */
  setValue(key: string, value: string): Promise<void>;
  getValue(key: string): Promise<string | undefined>;
  /** Appends a message to the inbox at `key`. */
  send(key: string, message: string): Promise<void>;
  /**
   * Waits up to `timeoutMs` for messages in the inbox at `key` and takes all that are there.
   * Returns an empty array on timeout.
   */
  receive(key: string, timeoutMs: number): Promise<string[]>;
  /** Deletes every key starting with `prefix`; returns how many were removed. */
  deletePrefix(prefix: string): Promise<number>;
  /** Keys starting with `prefix` (for `wukong gc`; not for hot paths). */
  keys(prefix: string): Promise<string[]>;
  /** Remaining TTL of `key` in ms; -1 when the key has none, -2 when it does not exist. */
  ttlMs(key: string): Promise<number>;
  close(): Promise<void>;
}

/** Every coordination key of a run lives under this prefix (DESIGN.md §4). */
export function runKeyPrefix(runId: string): string {
  return `wk:${runId}:`;
}

/** Default TTL of coordination keys and intermediates: one day. */
export const DEFAULT_TTL_SECONDS = 24 * 60 * 60;
