import { describe, expect, it } from 'vitest';
import { runDagFromSpec } from '../../../src/model/compiled-dag.js';
import type { DagSpec } from '../../../src/model/dag-schema.js';
import { DEFAULT_WUKONG_OPTIONS } from '../../../src/model/wukong-options.js';
import { runKeys } from '../../../src/runtime/keys.js';
import { runValueTable } from '../../../src/runtime/embedded/run-value-table.js';
import type { RunRequest } from '../../../src/runtime/run-client.js';

function request(spec: DagSpec): RunRequest {
  const dag = runDagFromSpec(spec);
  return { spec: { dag: spec, wukong: DEFAULT_WUKONG_OPTIONS, progressIntervalMs: 0 }, dag, outputRefs: dag.outputRefs(), deadlineMs: 30_000 };
}

describe('runValueTable', () => {
  it("knows output 0 of every task and each other output a child or the client names, as executors key them, and no other run's", () => {
    // Prepare: a QR whose R (output 1) feeds a child and whose Q the client collects.
    const spec: DagSpec = {
      name: 'qr-outputs',
      tasks: [
        { id: 'a', op: 'matrix.random', args: { rows: 4, cols: 2, seed: 1 } },
        { id: 'qr', op: 'matrix.qr', deps: ['a'] },
        { id: 'r2', op: 'matrix.add', deps: ['qr#1', 'qr#1'] },
      ],
      outputs: ['r2', 'qr#0'],
    };
    const keys = runKeys('run-1');
    // Act
    const table = runValueTable(request(spec), 'run-1', 60);
    // Assess
    expect(table.keys().sort()).toEqual([keys.output('a', 0), keys.output('qr', 0), keys.output('qr', 1), keys.output('r2', 0)].sort());
    expect(table.knows(runKeys('run-2').output('a', 0))).toBe(false);
    expect(table.init.maxValueBytes).toBe(64 * 1024);
    expect(table.init.ttlSeconds).toBe(60);
  });
});
