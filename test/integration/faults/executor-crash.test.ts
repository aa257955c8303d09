import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { encodeValue } from '../../../src/data/codec.js';
import { createBuiltinRegistry } from '../../../src/ops/builtins.js';
import { runEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { evaluateSequentially } from '../../../src/runtime/sequential-evaluator.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';

/** A layered DAG with fan-outs and fan-ins, tasks that sleep a few ms so kills land mid-task. */
function layered(seed: number): DagSpec {
  let s = seed;
  const rnd = () => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
  const tasks: DagSpec['tasks'] = [];
  let previous: string[] = [];
  for (let layer = 0; layer < 5; layer += 1) {
    const current: string[] = [];
    for (let i = 0; i < 6; i += 1) {
      const id = `l${layer}-${i}`;
      const deps = previous.length === 0 ? [] : [...new Set([previous[i % previous.length] as string, previous[Math.floor(rnd() * previous.length)] as string])];
      tasks.push({ id, op: 'synthetic.work', args: { ms: 3, outputBytes: rnd() < 0.5 ? 64 : 400_000, mode: 'sleep' }, ...(deps.length ? { deps } : {}) });
      current.push(id);
    }
    previous = current;
  }
  return { name: `layered-${seed}`, tasks };
}

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
      let s = seed * 7919;
      const rnd = () => {
        s = (s * 1103515245 + 12345) & 0x7fffffff;
        return s / 0x7fffffff;
      };
      const spec = layered(seed);
      // Act
      const { dag, outcome } = await run(spec, (_id, attempt) => (attempt === 0 && rnd() < 0.35 ? rnd() * 8 : undefined));
      // Assess
      expect(outcome.failure).toBeUndefined();
      expect(outcome.retries).toBeGreaterThan(0);
      console.log(`[executor-crash] seed ${seed}: ${spec.tasks.length} tasks, ${outcome.retries} executor retries after kills, ok`);
      const reference = await evaluateSequentially(dag, dag.topologicalOrder(), createBuiltinRegistry());
      for (const ref of dag.outputRefs()) {
        expect(Buffer.from(encodeValue(outcome.outputs.get(ref)!)).equals(Buffer.from(encodeValue(reference.get(ref)![0]!)))).toBe(true);
      }
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
