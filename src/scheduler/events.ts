/**
 * The executor state machine's vocabulary (DESIGN.md §4): events in, instructions out. The runtime
 * driver carries instructions out with real I/O; the simulator carries them out in virtual time.
 * Each instruction that expects an answer is answered by exactly one event.
 */

/** An executor begins with `taskId`; the outputs of `inline` parents arrived in the payload. */
export interface StartEvent {
  readonly type: 'start';
  readonly taskId: string;
  readonly inline: readonly string[];
}
/** The output of `taskId` was fetched from the intermediate store and is now in memory. */
export interface GotEvent {
  readonly type: 'got';
  readonly taskId: string;
}
/** `taskId` ran here; its outputs are in memory and weigh `outputBytes`. */
export interface RanEvent {
  readonly type: 'ran';
  readonly taskId: string;
  readonly outputBytes: number;
}
/** An instruction failed for good (the carrier already retried what it could). */
export interface FailedEvent {
  readonly type: 'failed';
  readonly taskId: string;
  readonly message: string;
}
export interface PutDoneEvent {
  readonly type: 'put-done';
  readonly taskId: string;
}
/** Answer to `check-fan-in`: which parents of `childId` are marked done (read only). */
export interface FanInCheckedEvent {
  readonly type: 'fan-in-checked';
  readonly childId: string;
  readonly parentId: string;
  readonly markedParents: readonly string[];
}
/** Answer to `mark-fan-in`. */
export interface FanInMarkedEvent {
  readonly type: 'fan-in-marked';
  readonly childId: string;
  readonly parentId: string;
  readonly complete: boolean;
}
export interface InvokedEvent {
  readonly type: 'invoked';
  readonly taskId: string;
}
/**
 * The invocation's time is running short (DriverDeps.timeLeftMs): start no new task; once nothing
 * is in flight, hand the rest to fresh executors (`hand-off`). Fed before the `ran` that shows it.
 */
export interface DeadlineNearEvent {
  readonly type: 'deadline-near';
}
/** Answer to `sleep`: the delay is over. */
export interface WokeEvent {
  readonly type: 'woke';
}

export type ExecutorEvent =
  | StartEvent
  | GotEvent
  | RanEvent
  | FailedEvent
  | PutDoneEvent
  | FanInCheckedEvent
  | FanInMarkedEvent
  | InvokedEvent
  | DeadlineNearEvent
  | WokeEvent;

/**
 * Fetch outputs of `taskId` from the intermediate store: those numbered in `outputs` (the ones the
 * task at hand references), every one when absent. Answered by `got` or `failed`.
 */
export interface GetInstruction {
  readonly type: 'get';
  readonly taskId: string;
  readonly outputs?: readonly number[];
}
/** Run `taskId` on the inputs in memory. Answered by `ran` or `failed`. */
export interface RunInstruction {
  readonly type: 'run';
  readonly taskId: string;
}
/** Write the outputs of `taskId` to the intermediate store. Answered by `put-done` or `failed`. */
export interface PutInstruction {
  readonly type: 'put';
  readonly taskId: string;
}
/** Read which parents of `childId` are marked. Answered by `fan-in-checked`. */
export interface CheckFanInInstruction {
  readonly type: 'check-fan-in';
  readonly childId: string;
  readonly parentId: string;
}
/** Mark `parentId` done for `childId` (atomic, idempotent). Answered by `fan-in-marked`. */
export interface MarkFanInInstruction {
  readonly type: 'mark-fan-in';
  readonly childId: string;
  readonly parentId: string;
  readonly expected: number;
}
/**
 * Start a new executor for `taskId`. The outputs of `inline` parents travel in the payload (they
 * are in memory here and fit the inline budget); every other input is fetched by key.
 * Answered by `invoked` or `failed`.
 */
export interface InvokeInstruction {
  readonly type: 'invoke';
  readonly taskId: string;
  readonly inline: readonly string[];
}
/** Wait `ms` (delayed I/O polling, WUKONG mode). Answered by `woke`. */
export interface SleepInstruction {
  readonly type: 'sleep';
  readonly ms: number;
}
/**
 * Deadline hand-off (fire and forget, then the executor stops): for each owed mark, store the
 * parent's output and mark it, and hand the child on too when that mark completes it; then invoke
 * a fresh executor for each task, its inputs held here inline while they fit, stored otherwise.
 */
export interface HandOffInstruction {
  readonly type: 'hand-off';
  readonly tasks: readonly string[];
  readonly owedMarks: readonly { readonly childId: string; readonly parentId: string }[];
}
/** Tell the client that the output of `taskId` is stored (fire and forget). */
export interface OutputReadyInstruction {
  readonly type: 'output-ready';
  readonly taskId: string;
}
/** The run cannot succeed: tell the client why, then stop (fire and forget). */
export interface FailRunInstruction {
  readonly type: 'fail-run';
  readonly taskId: string;
  readonly message: string;
}
/** Nothing is left for this executor: flush records and exit. */
export interface StopInstruction {
  readonly type: 'stop';
}

export type Instruction =
  | GetInstruction
  | RunInstruction
  | PutInstruction
  | CheckFanInInstruction
  | MarkFanInInstruction
  | InvokeInstruction
  | SleepInstruction
  | HandOffInstruction
  | OutputReadyInstruction
  | FailRunInstruction
  | StopInstruction;

/** Instructions whose carrier answers with an event. */
export function expectsAnswer(instruction: Instruction): boolean {
  return !(instruction.type === 'output-ready' || instruction.type === 'fail-run' || instruction.type === 'stop' || instruction.type === 'hand-off');
}

/** Instructions whose meaning is the same in WUKONG and planned mode: both drivers carry them out alike. */
export type SharedInstruction = GetInstruction | PutInstruction | CheckFanInInstruction | MarkFanInInstruction | OutputReadyInstruction | FailRunInstruction;
/** The answers of shared instructions. */
export type SharedAnswer = GotEvent | PutDoneEvent | FanInCheckedEvent | FanInMarkedEvent;

const SHARED_INSTRUCTION_TYPES: ReadonlySet<string> = new Set<SharedInstruction['type']>(['get', 'put', 'check-fan-in', 'mark-fan-in', 'output-ready', 'fail-run']);

/** Whether `instruction` is one both modes carry out alike (./planned-events.ts reuses these types). */
export function isSharedInstruction<I extends { readonly type: string }>(instruction: I): instruction is Extract<I, SharedInstruction> {
  return SHARED_INSTRUCTION_TYPES.has(instruction.type);
}
