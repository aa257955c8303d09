import { setTimeout as sleep } from 'node:timers/promises';
import * as z from 'zod';
import { MAX_OUTPUT_BYTES_PER_TASK } from '../../model/limits.js';
import { bytes, type Value } from '../../data/value.js';
import { defineOp } from '../define-op.js';
import { atLeast } from '../op-definition.js';
import { Xoshiro128StarStar } from '../random/xoshiro128-star-star.js';
import { Hash64 } from './value-hash.js';
import { bytesShapeOf } from '../value-shape.js';

/** Lambda's own limit: a task cannot usefully claim to work longer than one invocation lives. */
export const MAX_WORK_MS = 900_000;
/** The most bytes synthetic ops output: the per-task limit, so a DAG asking for more is refused at validation. */
export const MAX_SYNTHETIC_BYTES = MAX_OUTPUT_BYTES_PER_TASK;

export const SyntheticWorkArgsSchema = z
  .object({
    ms: z.number().nonnegative().max(MAX_WORK_MS),
    outputBytes: z.number().int().nonnegative().max(MAX_SYNTHETIC_BYTES).default(8),
    mode: z.enum(['spin', 'sleep']).default('spin'),
  })
  .strict();
export type SyntheticWorkArgs = z.output<typeof SyntheticWorkArgsSchema>;

/**
 * The bytes synthetic.work returns: a 64-bit hash of its args and of every input in order (kind,
 * shape, bytes) seeds xoshiro128**, which fills `outputBytes`. A sequential reference run of the same
 * DAG therefore gives identical bytes, and any mis-wired, missing or reordered input changes them.
 */
export function syntheticWorkOutput(inputs: readonly Value[], args: SyntheticWorkArgs): Uint8Array {
  const hash = new Hash64()
    .updateString('synthetic.work')
    .updateString(JSON.stringify([args.ms, args.outputBytes, args.mode]))
    .updateInteger(inputs.length);
  for (const input of inputs) hash.updateValue(input);
  const out = new Uint8Array(args.outputBytes);
  Xoshiro128StarStar.fromSeed(hash.digest()).fillBytes(out);
  return out;
}

function spinUntil(deadlineMs: number): void {
  // Busy-wait on purpose: this models CPU-bound work, which a sleep would not occupy a core with.
  while (performance.now() < deadlineMs) {
    /* spin */
  }
}

/**
 * Stands in for real work: takes `ms` (spinning a core, or sleeping), then returns bytes derived
 * from its inputs. Computing the output counts towards `ms`, so the task takes max(ms, hash + fill).
 */
export const syntheticWork = defineOp({
  name: 'synthetic.work',
  description: 'Spin or sleep for ms, then output outputBytes bytes derived from the inputs and args',
  args: SyntheticWorkArgsSchema,
  arity: atLeast(0),
  outputs: 1,
  // Whatever the inputs: the output is `outputBytes` bytes derived from them.
  shape: (_inputs, args) => [bytesShapeOf(args.outputBytes)],
  // Its time is its args: spinning computes (stretched by a small CPU share), sleeping waits.
  cost: (_inputs, args) => ({ kernel: 'synthetic', ...(args.mode === 'sleep' ? { waitMs: args.ms } : { cpuMs: args.ms }), bytesWritten: args.outputBytes }),
  run(inputs, args) {
    const startMs = performance.now();
    const output = [bytes(syntheticWorkOutput(inputs, args))];
    const deadlineMs = startMs + args.ms;
    if (args.mode === 'spin') {
      spinUntil(deadlineMs);
      return output;
    }
    return sleepUntil(deadlineMs).then(() => output);
  },
});

/**
 * Sleeps until `deadlineMs` (performance.now() time). A Node timer may fire up to a millisecond
 * before its delay by performance.now()'s clock (timers keep whole milliseconds), so the wait is
 * repeated until the deadline has really passed: "sleep ms" means at least ms.
 */
async function sleepUntil(deadlineMs: number): Promise<void> {
  for (let left = deadlineMs - performance.now(); left > 0; left = deadlineMs - performance.now()) await sleep(Math.ceil(left));
}
