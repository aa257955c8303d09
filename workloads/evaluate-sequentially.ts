import { parseDepRef, type DagSpec } from '../src/model/dag-schema.js';
import type { Value } from '../src/data/value.js';
import { createBuiltinRegistry } from '../src/ops/builtins.js';
import type { OpRegistry } from '../src/ops/registry.js';
import { runDagFromSpec } from '../src/model/compiled-dag.js';
import { evaluateSequentially } from '../src/runtime/sequential-evaluator.js';

/**
 * Runs a generated DAG in this thread, in topological order, and returns its outputs keyed by
 * output ref, as `runEmbedded` does: the reference that verifiers are tested on.
 */
export async function evaluateWorkloadSequentially(spec: DagSpec, ops: OpRegistry = createBuiltinRegistry()): Promise<Map<string, Value>> {
  const dag = runDagFromSpec(spec);
  const values = await evaluateSequentially(dag, dag.topologicalOrder(), ops);
  const outputs = new Map<string, Value>();
  for (const ref of dag.outputRefs()) {
    const { taskId, output } = parseDepRef(ref);
    const value = values.get(taskId)?.[output];
    if (value === undefined) throw new Error(`output ${ref} was not computed`);
    outputs.set(ref, value);
  }
  return outputs;
}
