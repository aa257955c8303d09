import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { embeddedRunBackend } from '../../../src/runtime/run-backend.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import type { RunRequest } from '../../../src/runtime/run-client.js';

/**
 * The embedded RunBackend (what `wukong submit` and `replay` run on) returns a run's outcome while
 * its threads stop, and `stopped` settles once they are gone: the CLI prints its summary in the
 * meantime, and replay awaits it before its next repeat.
 */
const SPEC: DagSpec = {
  name: 'two-sums',
  tasks: [
    { id: 'a', op: 'matrix.random', args: { rows: 4, cols: 4, seed: 1 } },
    { id: 'b', op: 'matrix.random', args: { rows: 4, cols: 4, seed: 2 } },
    { id: 's', op: 'matrix.add', deps: ['a', 'b'] },
  ],
  outputs: ['s'],
};

function request(spec: DagSpec): RunRequest {
  const dag = runDagFromSpec(spec);
  return { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 30_000 };
}

/** The process's OS threads (Linux): an executor thread is one of them until it has exited. */
const osThreads = (): number => readdirSync('/proc/self/task').length;

describe('embedded RunBackend', () => {
  it('returns the outcome with `stopped`, which settles when its threads are gone', async () => {
    const backend = embeddedRunBackend({ threads: 2, stores: MEMORY_STORES, costMemoryMb: 1769 });
    // A first run starts the process's lazily made threads (libuv's pool, V8's platform workers).
    const first = await backend.run(request(SPEC));
    await first.stopped;
    const before = osThreads();

    const run = await backend.run(request(SPEC));
    expect(run.outcome.ok, run.outcome.failure?.message).toBe(true);
    expect(run.outcome.outputs.get('s')?.kind).toBe('matrix');
    expect(run.memoryMb).toBe(1769);
    expect(run.stopped).toBeInstanceOf(Promise);
    await run.stopped;
    expect(osThreads()).toBe(before);
  });

  it('a run that rejects (here: its progress callback throws) stops its threads before rejecting', async () => {
    const backend = embeddedRunBackend({ threads: 2, stores: MEMORY_STORES, costMemoryMb: 1769 });
    await (await backend.run(request(SPEC))).stopped;
    const before = osThreads();
    const bad: RunRequest = {
      ...request(SPEC),
      onProgress: () => {
        throw new Error('progress callback failed');
      },
    };
    await expect(backend.run(bad)).rejects.toThrow('progress callback failed');
    expect(osThreads()).toBe(before);
  });
});
