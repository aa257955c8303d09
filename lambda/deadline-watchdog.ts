import type { Coordinator } from '../src/storage/coordinator.js';
import { runKeys } from '../src/runtime/keys.js';
import type { Logger } from '../src/model/logger.js';
import type { ExecutorPayload } from '../src/runtime/payload.js';
import type { RunEvent } from '../src/model/run-events.js';

export interface Watchdog {
  stop(): void;
}

/**
 * The last resort when an executor could not stop in time (one task longer than what was left of
 * the function's timeout): half the deadline buffer before Lambda kills the container, tell the
 * client plainly, so the run fails now with the reason instead of at its own deadline.
 */
export function startDeadlineWatchdog(options: {
  readonly payload: ExecutorPayload;
  readonly remainingMs: () => number;
  readonly bufferMs: number;
  readonly coordinator: Coordinator;
  readonly logger: Logger;
}): Watchdog {
  const { payload, coordinator, logger } = options;
  const fireInMs = Math.max(0, options.remainingMs() - options.bufferMs / 2);
  const timer = setTimeout(() => {
    const leftMs = options.remainingMs();
    const message =
      `executor ${payload.executorId} (from task ${payload.taskId}) ran out of time: ${leftMs} ms were left of the function's timeout ` +
      'while a task was still running; raise the executor functions\' timeout (Lambda allows 900 s) or split the long task';
    logger.error({ runId: payload.runId, executorId: payload.executorId, taskId: payload.taskId, timeLeftMs: leftMs }, message);
    const event: RunEvent = { kind: 'failed', taskId: payload.taskId, executorId: payload.executorId, message };
    coordinator.send(runKeys(payload.runId).clientInbox, JSON.stringify(event)).catch(() => undefined);
  }, fireInMs);
  return { stop: () => clearTimeout(timer) };
}
