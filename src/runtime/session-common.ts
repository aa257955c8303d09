import type { FailedEvent, SharedAnswer, SharedInstruction } from '../scheduler/events.js';
import type { DriverDeps } from './driver-deps.js';
import type { ExecutorPayload } from './payload.js';
import type { TaskIo } from './task-io.js';

/**
 * What WukongSession and PlannedSession share: the queue of answers between the async I/O and the
 * pure machine, the instructions both vocabularies carry out the same way, and the deadline test.
 */

/**
 * Answers of instructions in flight, handed to the session's loop one at a time in arrival order.
 * A rejected instruction is answered by the event `onError` makes (a `failed` event).
 */
export class EventPump<Event> {
  private readonly events: Event[] = [];
  private wake: (() => void) | undefined;
  /** Instructions whose answer has not arrived yet. */
  inFlight = 0;

  /** Answers that arrived and were not taken yet. */
  get pending(): number {
    return this.events.length;
  }

  expect(answer: Promise<Event>, onError: (error: unknown) => Event): void {
    this.inFlight += 1;
    answer.then(
      (event) => this.deliver(event),
      (error: unknown) => this.deliver(onError(error)),
    );
  }

  next(): Promise<Event> {
    const ready = this.events.shift();
    if (ready) return Promise.resolve(ready);
    return new Promise((resolve) => {
      this.wake = () => resolve(this.events.shift() as Event);
    });
  }

  private deliver(event: Event): void {
    this.inFlight -= 1;
    this.events.push(event);
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}

export type { SharedAnswer, SharedInstruction } from '../scheduler/events.js';

export interface SessionContext {
  readonly payload: ExecutorPayload;
  readonly deps: DriverDeps;
  readonly io: TaskIo;
}

/** Carries out a shared instruction; returns the promise of its answer, if it has one. */
export function carrySharedInstruction(
  instruction: SharedInstruction,
  { payload, deps, io }: SessionContext,
  currentTask: string | undefined,
): Promise<SharedAnswer> | undefined {
  const keys = io.keys;
  switch (instruction.type) {
    case 'get':
      return io.get(instruction.taskId, instruction.outputs, currentTask).then(() => ({ type: 'got', taskId: instruction.taskId }));
    case 'put':
      return io.put(instruction.taskId).then(() => ({ type: 'put-done', taskId: instruction.taskId }));
    case 'check-fan-in':
      return deps.coordinator.fanInMembers(keys.fanIn(instruction.childId)).then((markedParents) => ({ ...instruction, type: 'fan-in-checked', markedParents }));
    case 'mark-fan-in':
      return deps.coordinator
        .markFanIn(keys.fanIn(instruction.childId), instruction.parentId, instruction.expected)
        .then((mark) => ({ type: 'fan-in-marked', childId: instruction.childId, parentId: instruction.parentId, complete: mark.complete }));
    case 'output-ready':
      io.send({ kind: 'output', taskId: instruction.taskId });
      return undefined;
    case 'fail-run':
      deps.logger.error({ runId: payload.runId, executorId: payload.executorId, taskId: instruction.taskId }, instruction.message);
      io.send({ kind: 'failed', taskId: instruction.taskId, executorId: payload.executorId, message: instruction.message });
      return undefined;
  }
}

/** The `failed` event that answers an instruction whose I/O threw; `fallbackTaskId` when it names no task. */
export function failedEvent(instruction: object & { readonly type: string }, fallbackTaskId: string, io: TaskIo, error: unknown): FailedEvent {
  const taskId = 'taskId' in instruction ? String(instruction.taskId) : 'childId' in instruction ? String(instruction.childId) : fallbackTaskId;
  return { type: 'failed', taskId, message: io.failureMessage(instruction.type, taskId, error) };
}

/** Deadline hand-off (DriverDeps.timeLeftMs): less time left than the longest task so far. */
export function timeIsShort(deps: DriverDeps, io: TaskIo): boolean {
  const leftMs = deps.timeLeftMs?.();
  return leftMs !== undefined && leftMs <= io.longestTaskMs;
}
