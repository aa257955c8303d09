/**
 * Every legal change of a task's state inside one executor, in one table (as Dask's worker state
 * machine keeps its `_TRANSITIONS_TABLE`). Any other change is a bug and throws.
 *
 * - queued:   will run here (started with it, became it, or clustered it)
 * - fetching: its remote inputs are being fetched
 * - running:  its op is running
 * - done:     ran here; its outputs are in memory
 * - invoked:  handed to another executor
 * - failed:   its op or its I/O failed for good
 */
export type LocalTaskState = 'queued' | 'fetching' | 'running' | 'done' | 'invoked' | 'failed';

export const TRANSITIONS: Readonly<Record<LocalTaskState | 'new', readonly LocalTaskState[]>> = {
  new: ['queued', 'invoked'],
  // queued -> invoked: handed to a fresh executor at the deadline (WukongExecutor hand-off).
  queued: ['fetching', 'running', 'invoked'],
  fetching: ['running', 'failed'],
  running: ['done', 'failed'],
  done: [],
  invoked: [],
  failed: [],
};

export class InvalidTransitionError extends Error {
  constructor(
    readonly taskId: string,
    readonly from: LocalTaskState | 'new',
    readonly to: LocalTaskState,
  ) {
    super(`illegal transition of ${taskId}: ${from} -> ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

export function assertTransition(taskId: string, from: LocalTaskState | 'new', to: LocalTaskState): void {
  if (!TRANSITIONS[from].includes(to)) throw new InvalidTransitionError(taskId, from, to);
}
