/**
 * Which task's op a thread called last, in shared memory the pool reads: when a thread dies (an op
 * calls process.exit) or is ended for holding its event loop (an op that never returns), the
 * culprit is that op, not the first task of the executor whose job the thread held. Synchronous
 * code holds its thread, so no other op is called after it. (On Lambda the function's own logs
 * name the invocation.)
 */

/** Task ids longer than this (in UTF-8 bytes) are kept cut; a DAG's ids are far shorter. */
const MAX_TASK_ID_BYTES = 1020;

/** A thread's slot: its length word, then the task id's bytes, over one SharedArrayBuffer. */
export interface LastOpSlot {
  readonly length: Uint32Array;
  readonly bytes: Uint8Array;
}

export function newLastOpBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(4 + MAX_TASK_ID_BYTES);
}

export function lastOpSlotOf(buffer: SharedArrayBuffer): LastOpSlot {
  return { length: new Uint32Array(buffer, 0, 1), bytes: new Uint8Array(buffer, 4) };
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** In the executor thread, before each op call (one encode of a short id, no allocation). */
export function writeLastOp(slot: LastOpSlot, taskId: string): void {
  slot.length[0] = encoder.encodeInto(taskId, slot.bytes).written;
}

/** In the pool: the task whose op the thread called last; undefined before its first. */
export function readLastOp(slot: LastOpSlot): string | undefined {
  const length = slot.length[0] ?? 0;
  // A copy: TextDecoder does not read shared memory.
  return length === 0 ? undefined : decoder.decode(slot.bytes.slice(0, length));
}
