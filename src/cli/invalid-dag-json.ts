import { DagValidationError, type DagProblem } from '../dag/validate.js';
import { TableSourcesError } from '../ops/table/table-dag.js';

/**
 * What `--json` prints for a DAG that cannot run, `{ ok: false, problems }` (the `ok` key of a
 * run's JSON summary; a failed run has `failure` instead): the DAG's own problems, or its table
 * sources'. Undefined for any other error, which the CLI reports on stderr as usual.
 */
export function invalidDagJson(error: unknown): { ok: false; problems: readonly DagProblem[] } | undefined {
  if (error instanceof DagValidationError || error instanceof TableSourcesError) return { ok: false, problems: error.problems };
  return undefined;
}
