import type { Dag } from '../dag/dag.js';
import type { DagSpec } from '../model/dag-schema.js';
import { DagValidationError, validateDag } from '../dag/validate.js';
import type { OpCatalog } from '../dag/op-catalog.js';
import { buildOpRegistry } from '../ops/user-ops.js';
import { runDagFromSpec, type CompiledRunDag } from '../model/compiled-dag.js';
import { readDagFile } from './read-dag-file.js';

/**
 * Reads and validates a DAG file for commands that run or plan it; bad input throws (exit 2).
 * `model` is the validated Dag (graph queries, critical path); `dag` the executors' flat view.
 */
export async function loadValidDag(file: string, ops: OpCatalog = buildOpRegistry()): Promise<{ spec: DagSpec; model: Dag; dag: CompiledRunDag }> {
  return validDagOf(await readDagFile(file), file, ops);
}

/** The same for JSON already read (a command that first looks at what the file holds); `file` names it in problems. */
export function validDagOf(json: unknown, file: string, ops: OpCatalog = buildOpRegistry()): { spec: DagSpec; model: Dag; dag: CompiledRunDag } {
  const result = validateDag(json, ops);
  if (!result.ok) throw new DagValidationError(result.problems, file);
  return { spec: result.spec, model: result.dag, dag: runDagFromSpec(result.spec) };
}
