import { DagValidationError, validateDag } from '../dag/validate.js';
import type { Dag } from '../dag/dag.js';
import type { DagSpec } from '../model/dag-schema.js';
import { AnnotatedDagSchema, looksAnnotated, type Plan } from '../model/annotated-dag.js';
import { BadInputError } from '../model/errors.js';
import type { OpRegistry } from '../ops/registry.js';
import { DEFAULT_TIERS } from '../plan/tiers.js';
import { validatePlan } from '../plan/validate-plan.js';
import { loadOps, type OpsOption } from './load-ops.js';
import { issuesOf, optionsObject } from './option-checks.js';

/**
 * Validates DAG JSON (an object, as parsed) against the schema and the ops (built-ins plus
 * `options.ops`). Resolves to the checked spec and its graph; rejects with a DagValidationError
 * listing every problem (`error.problems`, each naming the task ids involved).
 */
export async function validate(dag: unknown, options: OpsOption = {}): Promise<{ spec: DagSpec; model: Dag }> {
  const { registry } = await loadOps(optionsObject(options, 'validate'));
  return validDag(dag, registry);
}

/**
 * What `simulate` and `submit` accept: a DAG, or an annotated DAG (`{ dag, plan }`, as `plan`
 * writes it) whose plan is then checked against its DAG. Throws BadInputError or
 * DagValidationError; `plan` is undefined for a plain DAG.
 */
export function validDagOrAnnotated(json: unknown, registry: OpRegistry): { spec: DagSpec; model: Dag; plan: Plan | undefined } {
  if (!looksAnnotated(json)) return { ...validDag(json, registry), plan: undefined };
  const parsed = AnnotatedDagSchema.safeParse(json);
  if (!parsed.success) throw new BadInputError(`not an annotated DAG: ${issuesOf(parsed.error)}`);
  const { plan } = parsed.data;
  const valid = validDag(parsed.data.dag, registry);
  validatePlan(valid.model, plan, { tiers: DEFAULT_TIERS, source: 'dag' });
  return { ...valid, plan };
}

function validDag(json: unknown, registry: OpRegistry): { spec: DagSpec; model: Dag } {
  const result = validateDag(json, registry);
  if (!result.ok) throw new DagValidationError(result.problems, 'dag');
  return { spec: result.spec, model: result.dag };
}
