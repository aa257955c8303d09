import type { Value } from '../data/value.js';
import { WukongError } from '../model/errors.js';
import type { OpDefinition } from '../ops/op-definition.js';
import { describeUserThrow } from '../ops/user-frame.js';

/** An op that failed: threw, returned something other than its outputs, or ran past its timeout. */
export class OpFailedError extends WukongError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('OP_FAILED', message, options);
  }
}

/**
 * When the op itself ran, by the caller's clock: from the call into `op.run` until it returned (a
 * synchronous op) or its promise settled. Executors that share a thread queue their ops as
 * microtasks, so the time around `await callOp(...)` would also hold the neighbours' ops that ran
 * in between; these bounds hold only this op's (and, for an async op, what ran during its awaits).
 */
export interface OpRunWindow {
  startAt: number;
  endAt: number;
  /** The op returned a promise (it awaited something), rather than its outputs. */
  awaited?: boolean;
  /** A synchronous op's CPU time on its thread, when the caller gave a CPU clock. */
  cpuMs?: number;
  /**
   * An awaiting op's CPU time on its thread until it returned its promise (its synchronous part),
   * when the caller gave a CPU clock.
   */
  prefixCpuMs?: number;
  /**
   * An awaiting op's thread's CPU time from the call until the op settled, when the caller gave a
   * CPU clock: the op's own work, before and after its awaits, and whatever the thread ran for
   * its other executors meanwhile, which cannot be told apart. At least the op's CPU.
   */
  windowCpuMs?: number;
}

/**
 * Runs `op` once, at most `timeoutMs` (when given), and checks that it returned an array of
 * exactly `op.outputs` values. The error of a user op (one with a `source` module) carries the
 * first frame of its stack that lies in the user's files, so the message points at their code.
 */
export async function callOp<Args>(
  op: OpDefinition<Args>,
  inputs: readonly Value[],
  args: Args,
  timeoutMs: number | undefined,
  window?: OpWindowClocks,
): Promise<Value[]> {
  let outputs: unknown;
  let timer: NodeJS.Timeout | undefined;
  const lateAfter = (ms: number) => new OpFailedError(`op ${op.name} did not return within the task timeout of ${timeoutMs} ms${ms > 0 ? ` (it returned after ${ms.toFixed(0)} ms)` : ''}`);
  try {
    let calledAt = 0;
    // The op is called in a microtask, after the executor's own synchronous work (and another
    // executor's op queued in the same tick); its time, and the timer, start there.
    outputs = await Promise.resolve().then(() => {
      if (timeoutMs !== undefined) calledAt = performance.now();
      const result = window ? runTimed(op, inputs, args, window) : op.run(inputs, args);
      if (timeoutMs === undefined || !isThenable(result)) return result;
      const leftMs = Math.max(0, timeoutMs - (performance.now() - calledAt));
      return Promise.race([result, new Promise((_, reject) => {
        timer = setTimeout(() => reject(lateAfter(0)), leftMs);
      })]);
    });
    // No timer can fire while the op's synchronous code holds the thread: a blocking op (or one
    // that blocks before its first await) returns however late. Its lateness is told by the clock.
    // One that never returns holds its executor until the run's deadline (on Lambda, until the
    // function's timeout).
    if (timeoutMs !== undefined) {
      const tookMs = performance.now() - calledAt;
      if (tookMs > timeoutMs) throw lateAfter(tookMs);
    }
  } catch (error) {
    if (error instanceof OpFailedError) throw error;
    throw new OpFailedError(describeUserThrow(error, op.source), { cause: error });
  } finally {
    if (timer) clearTimeout(timer);
  }
  const problem = outputsProblem(outputs, op.outputs);
  if (problem) throw new OpFailedError(`op ${op.name} returned ${problem}; run must return an array of ${op.outputs} value${op.outputs === 1 ? '' : 's'} (matrix, bytes or table)`);
  return outputs as Value[];
}

/** The clocks callOp reads around the op's own run, and where it writes what they said. */
export interface OpWindowClocks {
  readonly now: () => number;
  /** The calling thread's CPU time (ms), where the host has such a clock. */
  readonly cpu?: (() => number) | undefined;
  readonly into: OpRunWindow;
}

function runTimed<Args>(op: OpDefinition<Args>, inputs: readonly Value[], args: Args, window: OpWindowClocks): unknown {
  const { now, cpu, into } = window;
  into.startAt = now();
  const cpuAtStart = cpu?.();
  const result: unknown = op.run(inputs, args);
  if (!isThenable(result)) {
    if (cpu && cpuAtStart !== undefined) into.cpuMs = Math.max(0, cpu() - cpuAtStart);
    into.endAt = now();
    return result;
  }
  into.awaited = true;
  if (cpu && cpuAtStart !== undefined) into.prefixCpuMs = Math.max(0, cpu() - cpuAtStart);
  const settled = (): void => {
    into.endAt = now();
    if (cpu && cpuAtStart !== undefined) into.windowCpuMs = Math.max(0, cpu() - cpuAtStart);
  };
  return Promise.resolve(result).finally(settled);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

function outputsProblem(outputs: unknown, expected: number): string | undefined {
  if (!Array.isArray(outputs)) return outputs === null ? 'null' : typeof outputs === 'object' ? 'an object, not an array' : `a ${typeof outputs}`;
  if (outputs.length !== expected) return `${outputs.length} outputs, declared ${expected}`;
  for (let i = 0; i < outputs.length; i += 1) {
    if (!isValue(outputs[i])) return `output ${i} that is not a value (${describe(outputs[i])})`;
  }
  return undefined;
}

function isValue(value: unknown): value is Value {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.kind === 'matrix') return Number.isInteger(v.rows) && Number.isInteger(v.cols) && v.data instanceof Float64Array && v.data.length === (v.rows as number) * (v.cols as number);
  if (v.kind === 'bytes') return v.data instanceof Uint8Array;
  if (v.kind === 'table') return typeof v.table === 'object' && v.table !== null;
  return false;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return `a ${typeof value}`;
  const kind = (value as { kind?: unknown }).kind;
  return typeof kind === 'string' ? `kind "${kind}" with the wrong fields` : 'an object without a kind';
}
