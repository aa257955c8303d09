import type { LocalTaskState } from './transitions.js';

/** What WukongExecutor.validateState shows of its state. */
export interface ExecutorView {
  readonly states: ReadonlyMap<string, LocalTaskState>;
  /** This round's queue, then the become child. */
  readonly waiting: readonly string[];
  readonly current: string | undefined;
  readonly outstanding: number;
  holdsWhole(taskId: string): boolean;
  readonly stored: Iterable<string>;
  readonly completed: Iterable<string>;
  readonly stoppedWithWorkLeft: boolean;
}

/** Invariants of one WUKONG executor that hold between any two events; throws on the first broken. */
export function checkExecutorInvariants(view: ExecutorView): void {
  const { states } = view;
  const active = [...states].filter(([, s]) => s === 'fetching' || s === 'running');
  if (active.length > 1) throw new Error(`more than one active task: ${active.map(([id]) => id).join(', ')}`);
  if (active.length === 1 && active[0]?.[0] !== view.current) throw new Error('active task is not current');
  if (view.outstanding < 0) throw new Error(`negative outstanding count ${view.outstanding}`);
  const seen = new Set<string>();
  for (const id of view.waiting) {
    if (seen.has(id)) throw new Error(`${id} queued twice`);
    seen.add(id);
    if (states.get(id) !== 'queued') throw new Error(`${id} waits to run but is ${states.get(id)}`);
  }
  for (const [id, state] of states) {
    if (state === 'done' && !view.holdsWhole(id)) throw new Error(`${id} done but not in memory`);
    if (state === 'queued' && !seen.has(id)) throw new Error(`${id} queued but neither in the queue nor the become`);
  }
  for (const id of view.stored) if (states.get(id) !== 'done') throw new Error(`${id} stored but did not run here`);
  for (const id of view.completed) if (states.get(id) !== 'done') throw new Error(`completion for ${id}, which is not done`);
  if (view.stoppedWithWorkLeft) throw new Error('stopped with work left');
}
