import { parseDepRef } from '../../model/dag-schema.js';
import { SharedValueTable } from '../../storage/memory/shared-value-table.js';
import { runKeys } from '../keys.js';
import type { RunRequest } from '../run-client.js';
import { SHARED_FROM_BYTES } from './port-rpc.js';

/**
 * Arena bytes per output key. The arena is one SharedArrayBuffer whose pages the OS maps on first
 * write, so what a run does not fill costs address space, not memory; puts beyond it go to the
 * main thread's store as before.
 */
const ARENA_BYTES_PER_KEY = 8 * 1024;
const MIN_ARENA_BYTES = 1 << 20;
const MAX_ARENA_BYTES = 256 * 1024 * 1024;
/** Entries per key: each put takes one, so retries and duplicate deliveries fit beside the first. */
const ENTRIES_PER_KEY = 2;
const SPARE_ENTRIES = 256;

/**
 * The shared value table of one run (../../storage/memory/shared-value-table.ts): a slot for every
 * output of the run's tasks that anyone reads (output 0 of each task, and each output a child or the
 * client names), keyed as executors store them. An output the table does not know, a value of 64
 * KiB or more, or one past the arena goes to the main thread's store (by message) as before.
 */
export function runValueTable(request: RunRequest, runId: string, ttlSeconds: number): SharedValueTable {
  const keys = runKeys(runId);
  // Output 0 of each task, then the other outputs named by a `t#i` ref (few), each once. Made per
  // run on the main thread: plain string work, no parse of refs without '#'.
  const outputs = request.spec.dag.tasks.map((task) => keys.output(task.id, 0));
  const others = new Set<string>();
  const named = (ref: string) => {
    if (!ref.includes('#')) return;
    const { taskId, output } = parseDepRef(ref);
    if (output !== 0) others.add(keys.output(taskId, output));
  };
  for (const task of request.spec.dag.tasks) for (const dep of task.deps ?? []) named(dep);
  for (const ref of request.outputRefs) named(ref);
  for (const key of others) outputs.push(key);
  return SharedValueTable.create(outputs, {
    arenaBytes: Math.min(MAX_ARENA_BYTES, Math.max(MIN_ARENA_BYTES, outputs.length * ARENA_BYTES_PER_KEY)),
    maxEntries: outputs.length * ENTRIES_PER_KEY + SPARE_ENTRIES,
    // Larger values go in SharedArrayBuffers of their own, shared, not copied (./port-rpc.ts).
    maxValueBytes: SHARED_FROM_BYTES,
    ttlSeconds,
    keyPrefix: keys.outputPrefix,
  });
}
