import type { DagSpec } from '../dag/schema.js';
import { DagValidationError, validateDag } from '../dag/validate.js';
import { createBuiltinRegistry } from '../ops/builtins.js';
import { runDagFromSpec, type CompiledRunDag } from '../runtime/run-dag.js';
import { readDagFile } from './read-dag-file.js';

/** Reads and validates a DAG file for commands that run it; bad input throws (exit 2). */
export async function loadValidDag(file: string): Promise<{ spec: DagSpec; dag: CompiledRunDag }> {
  const result = validateDag(await readDagFile(file), createBuiltinRegistry());
  if (!result.ok) throw new DagValidationError(result.problems);
  return { spec: result.spec, dag: runDagFromSpec(result.spec) };
}
