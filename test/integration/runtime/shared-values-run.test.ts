import { describe, expect, it } from 'vitest';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { openEmbedded } from '../../../src/runtime/embedded/embedded-backend.js';
import type { RunRequest } from '../../../src/runtime/run-client.js';
import { MEMORY_STORES } from '../../../src/runtime/store-config.js';

/**
 * An embedded run keeps its small outputs in the run's shared value table
 * (storage/memory/shared-value-table.ts): the client reads them from the table's one arena (the
 * decoded matrices are views of it), a large output from a SharedArrayBuffer of its own, and the
 * next run gets a table of its own.
 */
function qrDag(scale: number): DagSpec {
  return {
    name: `qr-${scale}`,
    tasks: [
      { id: 'a', op: 'matrix.fill', args: { rows: 4, cols: 2, value: scale } },
      { id: 'b', op: 'matrix.fill', args: { rows: 4, cols: 2, value: 1 } },
      { id: 'ab', op: 'matrix.add', deps: ['a', 'b'] },
      { id: 'qr', op: 'matrix.qr', deps: ['ab'] },
      // Output 1 (R) of the multi-output op, read by a child: a key of the table too.
      { id: 'r2', op: 'matrix.add', deps: ['qr#1', 'qr#1'] },
      // 100 x 100 doubles: 80 KB, past the table's 64 KiB.
      { id: 'big', op: 'matrix.fill', args: { rows: 100, cols: 100, value: scale } },
    ],
    outputs: ['r2', 'qr#1', 'ab', 'big'],
  };
}

function request(spec: DagSpec): RunRequest {
  const dag = runDagFromSpec(spec);
  return { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 30_000 };
}

const matrixOf = (outputs: ReadonlyMap<string, unknown>, ref: string) => outputs.get(ref) as { kind: 'matrix'; rows: number; cols: number; data: Float64Array };

describe('an embedded run and its shared value table', () => {
  it('small outputs, a multi-output op\'s included, live in one shared arena per run; a large one in its own buffer', async () => {
    const backend = await openEmbedded({ threads: 2, stores: MEMORY_STORES, invokeConcurrency: 8 });
    try {
      const arenas: ArrayBufferLike[] = [];
      for (const scale of [1, 2]) {
        const outcome = await backend.run(request(qrDag(scale)));
        expect(outcome.ok, outcome.failure?.message).toBe(true);
        const [r2, r, ab, big] = ['r2', 'qr#1', 'ab', 'big'].map((ref) => matrixOf(outcome.outputs, ref));
        expect([...(ab?.data ?? [])]).toEqual(Array(8).fill(scale + 1));
        expect([...(r2?.data ?? [])]).toEqual([...(r?.data ?? [])].map((x) => 2 * x));
        expect(Math.abs(r?.data[0] ?? 0)).toBeCloseTo(2 * (scale + 1), 9); // |R00| = column norm of ab
        const arena = ab?.data.buffer;
        expect(arena).toBeInstanceOf(SharedArrayBuffer);
        expect(r2?.data.buffer).toBe(arena);
        expect(r?.data.buffer).toBe(arena);
        expect(big?.data.buffer).toBeInstanceOf(SharedArrayBuffer);
        expect(big?.data.buffer).not.toBe(arena);
        expect(big?.data.every((x) => x === scale)).toBe(true);
        arenas.push(arena as ArrayBufferLike);
      }
      expect(arenas[1]).not.toBe(arenas[0]);
    } finally {
      await backend.close();
    }
  });
});
