import { expect } from 'vitest';
import { encodeValue } from '../../src/data/codec.js';
import type { Value } from '../../src/data/value.js';
import type { CompiledRunDag } from '../../src/model/compiled-dag.js';
import { createBuiltinRegistry } from '../../src/ops/builtins.js';
import type { OpRegistry } from '../../src/ops/registry.js';
import { evaluateSequentially } from '../../src/runtime/sequential-evaluator.js';

/** Expects every output of a run to equal the sequential reference, byte for byte (Arrow IPC encoding). */
export async function expectReferenceOutputs(dag: CompiledRunDag, outputs: ReadonlyMap<string, Value>, ops: OpRegistry = createBuiltinRegistry()): Promise<void> {
  const reference = await evaluateSequentially(dag, dag.topologicalOrder(), ops);
  for (const ref of dag.outputRefs()) {
    const got = outputs.get(ref);
    expect(got, `output ${ref}`).toBeDefined();
    expect(Buffer.from(encodeValue(got!)).equals(Buffer.from(encodeValue(reference.get(ref)![0]!))), `output ${ref} equals the reference`).toBe(true);
  }
}
