/**
 * The planned worker's vocabulary (DESIGN.md §4 "Planned mode"): events in, instructions out, as
 * in ./events.ts, whose shared events and instructions are reused. Each instruction that expects
 * an answer is answered by exactly one event.
 */
import type {
  CheckFanInInstruction,
  FailedEvent,
  FailRunInstruction,
  FanInCheckedEvent,
  FanInMarkedEvent,
  GetInstruction,
  GotEvent,
  MarkFanInInstruction,
  OutputReadyInstruction,
  PutDoneEvent,
  PutInstruction,
  StopInstruction,
} from './events.js';

/** The worker begins (at its first task, or at `resumeAt` after it parked there). */
export interface WorkerStartEvent {
  readonly type: 'start';
}
/**
 * The invocation's time is running out (Lambda: less left than its longest task): before its next
 * task the worker stores what later tasks need and hands its remaining list to a fresh invocation.
 */
export interface DeadlineNearEvent {
  readonly type: 'deadline-near';
}
/** `taskId` ran here (`dup`: as a duplicate of another worker's task). */
export interface PlannedRanEvent {
  readonly type: 'ran';
  readonly taskId: string;
  readonly dup: boolean;
}
/** Answer to `wait`: the inbox had a message, or the wait timed out, after `waitedMs`. */
export interface WokenEvent {
  readonly type: 'woken';
  readonly taskId: string;
  readonly waitedMs: number;
}
/** Answer to `claim-start`: whether this invocation holds the worker (a hedged start's other copy lost). */
export interface StartClaimedEvent {
  readonly type: 'start-claimed';
  readonly won: boolean;
}
/** Answer to `invoke-worker`. */
export interface WorkerInvokedEvent {
  readonly type: 'worker-invoked';
  readonly worker: number;
}

export type PlannedEvent =
  | WorkerStartEvent
  | DeadlineNearEvent
  | GotEvent
  | PlannedRanEvent
  | FailedEvent
  | PutDoneEvent
  | FanInCheckedEvent
  | FanInMarkedEvent
  | WokenEvent
  | StartClaimedEvent
  | WorkerInvokedEvent;

/** Run `taskId` on the inputs in memory; `dup`: a copy of another worker's task, not stored. */
export interface PlannedRunInstruction {
  readonly type: 'run';
  readonly taskId: string;
  readonly dup: boolean;
}
/** Wait on this worker's inbox up to `timeoutMs` for a producer's notification. Answered by `woken`. */
export interface WaitInstruction {
  readonly type: 'wait';
  readonly taskId: string;
  readonly timeoutMs: number;
}
/** Start worker `worker` (fresh, or resumed at `resumeAt`). Answered by `worker-invoked` or `failed`. */
export interface InvokeWorkerInstruction {
  readonly type: 'invoke-worker';
  readonly worker: number;
  readonly resumeAt?: string;
}
/** Tell worker `worker` (through its inbox) that an input of `taskId` is stored (fire and forget). */
export interface NotifyInstruction {
  readonly type: 'notify';
  readonly worker: number;
  readonly taskId: string;
}
/**
 * A hedged start (two invocations of one worker): claim the worker for `owner` before anything
 * else; the copy that loses stops. Answered by `start-claimed`.
 */
export interface ClaimStartInstruction {
  readonly type: 'claim-start';
  readonly worker: number;
  readonly owner: string;
}
/** Warm worker `worker`'s function so its later start is warm (fire and forget). */
export interface PrewarmInstruction {
  readonly type: 'prewarm';
  readonly worker: number;
}

export type PlannedInstruction =
  | GetInstruction
  | PlannedRunInstruction
  | PutInstruction
  | CheckFanInInstruction
  | MarkFanInInstruction
  | WaitInstruction
  | InvokeWorkerInstruction
  | ClaimStartInstruction
  | NotifyInstruction
  | PrewarmInstruction
  | OutputReadyInstruction
  | FailRunInstruction
  | StopInstruction;

/** Instructions whose carrier answers with an event. */
export function plannedExpectsAnswer(instruction: PlannedInstruction): boolean {
  const t = instruction.type;
  return !(t === 'output-ready' || t === 'fail-run' || t === 'stop' || t === 'notify' || t === 'prewarm');
}
