/**
 * How the pool tells a thread stuck in synchronous code: an op that never returns. The op's own
 * task-timeout timer cannot fire on a thread whose event loop is held (src/runtime/call-op.ts
 * catches only the ops that return late), so each executor thread beats a clock in shared memory
 * from its event loop, and the pool ends a thread with executors on it whose beat is older than
 * the run's task timeout: no op may hold its thread that long, and nothing else does.
 * (On Lambda the function's own timeout ends such an invocation.)
 */

/** How often a thread beats; a held thread's beat is at most this much older than its hold. */
export const HEARTBEAT_MS = 100;

/** A thread's beat: Date.now() of its last turn, in shared memory the pool reads. */
export function newHeartbeat(): Float64Array {
  const beat = new Float64Array(new SharedArrayBuffer(Float64Array.BYTES_PER_ELEMENT));
  beat[0] = Date.now();
  return beat;
}

/** In the executor thread: beats while its event loop turns. Does not keep the thread alive. */
export function startBeating(beat: Float64Array): void {
  beat[0] = Date.now();
  setInterval(() => {
    beat[0] = Date.now();
  }, HEARTBEAT_MS).unref();
}

/** Ms the thread has been held past its last beat's interval (0 while it turns). */
export function heldForMs(beat: Float64Array, now = Date.now()): number {
  return Math.max(0, now - (beat[0] as number) - HEARTBEAT_MS);
}

/** How often the pool looks, for a task timeout: often enough to end a stuck thread within ~1/4 of it past. */
export function watchIntervalMs(taskTimeoutMs: number): number {
  return Math.min(1_000, Math.max(HEARTBEAT_MS, Math.floor(taskTimeoutMs / 4)));
}
