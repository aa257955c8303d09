import type { DagSpec } from '../model/dag-schema.js';
import { BadInputError } from '../model/errors.js';

/** Whether a DAG has table ops at all (else the engine is never loaded). */
const usesTables = (spec: DagSpec) => spec.tasks.some((task) => task.op.startsWith('table.'));

/**
 * Checks a valid DAG's table sources before anything runs (a missing or unreadable source, a
 * column it lacks, SQL that does not parse: bad input, exit 2) and, with `pushdown`, narrows the
 * reads to what downstream tasks use (src/ops/table/pushdown.ts). DAGs without table ops pass
 * through untouched.
 */
export async function checkTableSources(spec: DagSpec, options: { pushdown: boolean }): Promise<{ spec: DagSpec; changes: readonly string[] }> {
  if (!usesTables(spec)) return { spec, changes: [] };
  const { inspectTableSources } = await import('../ops/table/source-schema.js');
  const { pushdownTables } = await import('../ops/table/pushdown.js');
  const { schemas, problems } = await inspectTableSources(spec);
  if (problems.length > 0) throw new BadInputError(`${spec.name ?? 'the DAG'}: ${problems.length === 1 ? problems[0] : `${problems.length} problems with table sources:\n  ${problems.join('\n  ')}`}`);
  return options.pushdown ? pushdownTables(spec, schemas) : { spec, changes: [] };
}
