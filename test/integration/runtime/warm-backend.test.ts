import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { openEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import type { RunRequest } from '../../../src/runtime/run-client.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';

/**
 * One embedded backend, many runs (openEmbedded): the threads stay up between runs, so a later
 * run's executors start warm; runs made at once go one after the other; each run's keys are gone
 * when it ends; a closed backend takes no more runs.
 */
function sumTree(scale: number): DagSpec {
  const leaves = Array.from({ length: 8 }, (_, i) => ({ id: `l${i}`, op: 'matrix.fill', args: { rows: 2, cols: 2, value: (i + 1) * scale } }));
  const level1 = [0, 1, 2, 3].map((j) => ({ id: `a${j}`, op: 'matrix.add', deps: [`l${2 * j}`, `l${2 * j + 1}`] }));
  const level2 = [0, 1].map((j) => ({ id: `b${j}`, op: 'matrix.add', deps: [`a${2 * j}`, `a${2 * j + 1}`] }));
  return { name: `sum-tree-${scale}`, tasks: [...leaves, ...level1, ...level2, { id: 'root', op: 'matrix.add', deps: ['b0', 'b1'] }], outputs: ['root'] };
}

function request(spec: DagSpec): RunRequest {
  const dag = runDagFromSpec(spec);
  return { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 30_000 };
}

function rootValue(outputs: ReadonlyMap<string, unknown>): number[] {
  const root = outputs.get('root') as { kind: string; data: Float64Array } | undefined;
  return root?.kind === 'matrix' ? [...root.data] : [];
}

describe('a warm embedded backend (openEmbedded) runs many DAGs on the same threads', () => {
  it('a second run finds its executors warm and gets its own, right outputs', async () => {
    const backend = await openEmbedded({ threads: 2, stores: MEMORY_STORES, invokeConcurrency: 8 });
    try {
      const first = await backend.run(request(sumTree(1)));
      expect(first.ok, first.failure?.message).toBe(true);
      expect(rootValue(first.outputs)).toEqual([36, 36, 36, 36]);
      expect(first.coldStarts).toBeGreaterThan(0);
      const second = await backend.run(request(sumTree(10)));
      expect(second.ok, second.failure?.message).toBe(true);
      expect(rootValue(second.outputs)).toEqual([360, 360, 360, 360]);
      expect(second.runId).not.toBe(first.runId);
      // Both threads ran executors in the first run: none starts cold in the second.
      expect(second.coldStarts).toBe(0);
      expect(second.retries).toBe(0);
    } finally {
      await backend.close();
    }
  });

  it('runs made at once go one at a time, in order; a closed backend refuses runs', async () => {
    const backend = await openEmbedded({ threads: 2, stores: MEMORY_STORES, invokeConcurrency: 8 });
    const [a, b, c] = await Promise.all([1, 2, 3].map((scale) => backend.run(request(sumTree(scale)))));
    expect([a, b, c].map((o) => o?.ok)).toEqual([true, true, true]);
    expect([a, b, c].map((o) => rootValue(o?.outputs ?? new Map())[0])).toEqual([36, 72, 108]);
    expect(b!.startedAt).toBeGreaterThanOrEqual(a!.finishedAt);
    expect(c!.startedAt).toBeGreaterThanOrEqual(b!.finishedAt);
    await backend.close();
    await expect(backend.run(request(sumTree(1)))).rejects.toThrow(/closed/);
    // Closing again is harmless.
    await backend.close();
  });
});
