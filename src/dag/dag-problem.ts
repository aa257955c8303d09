import { WukongError } from '../model/errors.js';
import { printable } from '../model/printable.js';

/** What can be wrong with a DAG file; stable strings, printed by the CLI and in `--json` output. */
export type DagProblemCode =
  | 'not-json'
  | 'schema'
  | 'empty'
  | 'duplicate-id'
  | 'unknown-dep'
  | 'self-dep'
  | 'bad-output-ref'
  | 'cycle'
  | 'unknown-op'
  | 'bad-args'
  | 'bad-arity'
  | 'unknown-output'
  | 'too-many-tasks'
  /** A table source a run would fail on: missing or unreadable, a column it lacks, SQL that does not parse (src/ops/table). */
  | 'table-source';

/** One thing wrong with a DAG, naming the tasks involved (empty when no task is to blame). */
export interface DagProblem {
  readonly code: DagProblemCode;
  readonly message: string;
  readonly taskIds: readonly string[];
}

/** A DAG that failed validation; the CLI prints every problem and exits 2. */
export class DagValidationError extends WukongError {
  readonly problems: readonly DagProblem[];
  /** Where the DAG came from (a file path), when known; named in the message. */
  readonly source: string | undefined;

  constructor(problems: readonly DagProblem[], source?: string) {
    super('DAG_INVALID', `${describeInvalidDag(problems.length, source)}\n${problems.map(formatProblem).join('\n')}`);
    this.problems = problems;
    this.source = source;
  }
}

/** `invalid DAG: 3 problems`, or `invalid DAG my.json: 3 problems`. */
export function describeInvalidDag(problemCount: number, source?: string): string {
  return `invalid DAG${source === undefined ? '' : ` ${source}`}: ${problemCount} problem${problemCount === 1 ? '' : 's'}`;
}

/** Task ids shown in front of a problem line; a long cycle names its first few, the rest is in `taskIds`. */
const MAX_IDS_SHOWN = 5;

/**
 * One line: `[a, b] unknown-dep: task b depends on "ghost", which is no task`. Control characters
 * in ids and messages (which quote user input) are escaped, so the line stays one printable line.
 */
export function formatProblem(problem: DagProblem): string {
  const ids = problem.taskIds;
  const more = ids.length > MAX_IDS_SHOWN ? `, ... (${ids.length - MAX_IDS_SHOWN} more)` : '';
  const where = ids.length > 0 ? `[${ids.slice(0, MAX_IDS_SHOWN).join(', ')}${more}] ` : '';
  return printable(`${where}${problem.code}: ${problem.message}`);
}
