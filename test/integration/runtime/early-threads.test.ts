import { readFile } from 'node:fs/promises';
import type { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { startSubmitThreadsEarly } from '../../../src/cli/submit-threads-early.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { endUntakenEarlyThreads, executorThreadScript, startEarlyThreads, takeEarlyThread } from '../../../src/runtime/embedded/early-threads.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';

/**
 * `wukong submit` starts its executor threads before it loads the CLI (src/runtime/embedded/
 * early-threads.ts): the thread pool of the run takes them, gives them their init, and the run is
 * the same as with threads of its own.
 */
const script = executorThreadScript(false);

async function gemm(): Promise<DagSpec> {
  return JSON.parse(await readFile(new URL('../../../workloads/examples/gemm-2x2.json', import.meta.url), 'utf8')) as DagSpec;
}

const exited = (worker: Worker) => new Promise<void>((resolve) => worker.once('exit', () => resolve()));

afterEach(() => endUntakenEarlyThreads());

describe('executor threads started early', () => {
  it('the run takes them, they report ready after their init, and its outputs equal the sequential reference', async () => {
    // Prepare
    const early = startEarlyThreads(script, 2);
    expect(early).toHaveLength(2);
    const readies = early.map((worker) => new Promise<void>((resolve) => worker.on('message', (m: { type: string }) => m.type === 'ready' && resolve())));
    const spec = await gemm();
    const dag = runDagFromSpec(spec);
    // Act
    const outcome = await runEmbedded(
      { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
      { threads: 2, stores: MEMORY_STORES, invokeConcurrency: 8 },
    );
    // Assess: both early threads got their init (only then does a thread post `ready`) and ran the run.
    await Promise.all(readies);
    expect(outcome.failure).toBeUndefined();
    expect(takeEarlyThread(script)).toBeUndefined();
    await expectReferenceOutputs(dag, outcome.outputs);
  }, 120_000);

  it('a pool smaller than the threads started early ends the rest', async () => {
    // Prepare
    const ends = startEarlyThreads(script, 2).map(exited);
    const spec = await gemm();
    const dag = runDagFromSpec(spec);
    // Act
    const outcome = await runEmbedded(
      { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
      { threads: 1, stores: MEMORY_STORES, invokeConcurrency: 8 },
    );
    // Assess: the second thread was ended when the pool started; the first when the pool closed.
    expect(outcome.failure).toBeUndefined();
    await Promise.all(ends);
  }, 120_000);

  it('submit starts them only for embedded threads, as many as --workers asks up to the cores', () => {
    // Act + Assess
    startSubmitThreadsEarly(['submit', 'dag.json', '--backend', 'lambda']);
    expect(takeEarlyThread(script)).toBeUndefined();
    startSubmitThreadsEarly(['submit', 'dag.json', '--help']);
    expect(takeEarlyThread(script)).toBeUndefined();
    startSubmitThreadsEarly(['validate', 'dag.json']);
    expect(takeEarlyThread(script)).toBeUndefined();
    startSubmitThreadsEarly(['submit', 'dag.json', '--workers=1', '--backend=embedded']);
    const taken = takeEarlyThread(script);
    expect(taken).toBeDefined();
    expect(takeEarlyThread(script)).toBeUndefined();
    void taken?.terminate();
  });
});
