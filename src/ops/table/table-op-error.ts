/**
 * A table op's failure the user can act on (a missing source, an unknown column, a SQL error):
 * the message names the problem; the executor adds the task and op.
 */
export class TableOpError extends Error {
  override readonly name = 'TableOpError';
}
