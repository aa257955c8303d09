import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { expectReferenceOutputs } from '../../helpers/reference-outputs.js';
import { killFirstAttempts, layeredDag } from './fault-dags.js';

/** A layered DAG with fan-outs and fan-ins, tasks that sleep a few ms so kills land mid-task. */
const layered = (seed: number): DagSpec => layeredDag(seed, 5, 6, 3, (random) => (random() < 0.5 ? 64 : 400_000));

async function run(spec: DagSpec, killAfterMs: (executorId: string, attempt: number) => number | undefined) {
  const dag = runDagFromSpec(spec);
  const outcome = await runEmbedded(
    { spec: { dag: spec, wukong: { ...DEFAULT_WUKONG_OPTIONS, thresholdBytes: 100_000 }, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 60_000 },
    // One executor per thread, as one invocation per Lambda container: a kill hits only its target.
    { threads: 2, executorsPerThread: 1, stores: MEMORY_STORES, invokeConcurrency: 8, killAfterMs },
  );
  return { dag, outcome };
}

describe('executor crashes (threads killed at random points)', () => {
  for (const seed of [1, 2, 3, 4]) {
    it(`completes with correct outputs when first attempts are killed mid-run [seed ${seed}]`, async () => {
      // Prepare: kill the first attempt of about a third of the executors, 0-8 ms after dispatch
      // (before, during or after their tasks, uploads and fan-in marks).
      const kills = killFirstAttempts(seed, 0.35, 8);
      const spec = layered(seed);
      // Act
      const { dag, outcome } = await run(spec, kills.killAfterMs);
      // Assess
      expect(outcome.failure).toBeUndefined();
      expect(outcome.retries).toBeGreaterThan(0);
      console.log(`[executor-crash] seed ${seed}: ${spec.tasks.length} tasks, ${outcome.retries} executor retries after kills, ok`);
      await expectReferenceOutputs(dag, outcome.outputs);
    });
  }

  it('fails the run with a clear error when an executor keeps dying', async () => {
    const spec = layered(9);
    const { outcome } = await run(spec, (id) => (id === 'x-l0-2' ? 1 : undefined));
    expect(outcome.ok).toBe(false);
    expect(outcome.failure?.message).toMatch(/executor x-l0-2 died 3 times; giving up on task l0-2/);
    console.log(`[executor-crash] always-dying executor: failed with "${outcome.failure?.message}"`);
  });
});
