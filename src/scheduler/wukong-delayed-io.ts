import { DEFAULT_DELAYED_IO_POLL, type DelayedIoPoll } from '../model/wukong-options.js';
import type { ScheduleGraph } from '../model/graph-view.js';

/** What the executor may know of other tasks to guard delayed I/O (DAG ops, size predictions). */
export interface TaskHints {
  /** The op of a task, the analogue of Dask's key prefix. */
  op?(taskId: string): string | undefined;
  /** Predicted encoded output bytes of a task, if any prediction exists. */
  predictedOutputBytes?(taskId: string): number | undefined;
}

/**
 * Whether `parent`'s large output may wait in memory for fan-in `child` (delayed I/O). The
 * original queues the child only when no other parent shares the finished task's Dask key prefix
 * (function.py `process_big`, `multiple_big_tasks_possible`): such a co-parent may be large too
 * and hold back its own output, and two executors each waiting for the other would only give up
 * after the whole poll. Our analogue of the prefix: a co-parent with the same op, or one whose
 * predicted output reaches the threshold.
 */
export function mayDelay(graph: ScheduleGraph, hints: TaskHints, child: string, parent: string, thresholdBytes: number): boolean {
  const op = hints.op?.(parent);
  for (const other of graph.parents(child)) {
    if (other === parent) continue;
    if (op !== undefined && hints.op?.(other) === op) return false;
    const predicted = hints.predictedOutputBytes?.(other);
    if (predicted !== undefined && predicted >= thresholdBytes) return false;
  }
  return true;
}

/**
 * The idle executor's poll for delayed fan-ins (function.py `process_enqueued_tasks_looped`):
 * check them all; if none is ready, sleep min(cap, base x n) after the n-th fruitless round; after
 * maxTries sleeps give up (store the outputs, mark the fan-ins). Any child found ready starts the
 * count again, as each call of the original's loop does.
 */
export class DelayedIoPoller {
  private tries = 0;
  /** 'idle': a check round may start; 'checked': one ran since the last sleep; 'sleeping'. */
  private phase: 'idle' | 'checked' | 'sleeping' = 'idle';
  private readonly poll: DelayedIoPoll;

  constructor(poll: DelayedIoPoll | undefined) {
    this.poll = poll ?? DEFAULT_DELAYED_IO_POLL;
  }

  get sleeping(): boolean {
    return this.phase === 'sleeping';
  }

  /** A check round was sent (after a task, or by the poll). */
  checked(): void {
    this.phase = 'checked';
  }

  /** A delayed child was found ready: the next idle poll starts from the first try. */
  progressed(): void {
    this.tries = 0;
  }

  woke(): void {
    this.phase = 'idle';
  }

  /**
   * The executor is idle with delayed children and no check in flight: what to do next.
   * 'check': send a round; a number: sleep that many ms; 'give-up': store and mark.
   */
  next(): 'check' | 'give-up' | number {
    if (this.phase === 'checked') {
      if (this.tries >= this.poll.maxTries) return 'give-up';
      this.tries += 1;
      this.phase = 'sleeping';
      return Math.min(this.poll.capMs, this.poll.baseMs * this.tries);
    }
    if (this.tries >= this.poll.maxTries) return 'give-up';
    return 'check';
  }

  /** After giving up, a later delay starts afresh. */
  reset(): void {
    this.tries = 0;
    this.phase = 'idle';
  }
}
