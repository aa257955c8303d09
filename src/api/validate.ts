import { DagValidationError, validateDag } from '../dag/validate.js';
import type { Dag } from '../dag/dag.js';
import type { DagSpec } from '../model/dag-schema.js';
import { loadOps, type OpsOption } from './load-ops.js';

/**
 * Validates DAG JSON (an object, as parsed) against the schema and the ops (built-ins plus
 * `options.ops`). Resolves to the checked spec and its graph; rejects with a DagValidationError
 * listing every problem (`error.problems`, each naming the task ids involved).
 */
export async function validate(dag: unknown, options: OpsOption = {}): Promise<{ spec: DagSpec; model: Dag }> {
  const { registry } = await loadOps(options);
  const result = validateDag(dag, registry);
  if (!result.ok) throw new DagValidationError(result.problems, 'dag');
  return { spec: result.spec, model: result.dag };
}
