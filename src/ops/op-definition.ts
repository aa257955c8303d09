import type * as z from 'zod';
import type { OpArity, OpSignature } from '../dag/op-catalog.js';
import type { Value } from '../data/value.js';
import type { ValueShape } from './value-shape.js';

/**
 * One op: a name, a zod schema for its args, its input arity, how many outputs it returns, and a
 * pure function from input values to output values. Ops are named in DAG JSON, never code.
 */
export interface OpDefinition<Args = unknown> extends OpSignature {
  readonly args: z.ZodType<Args>;
  readonly arity: OpArity;
  readonly outputs: number;
  /** A one-line description for `wukong ops` and docs. */
  readonly description: string;
  /**
   * Computes the outputs. Must return exactly `outputs` values. May be async (synthetic.work in
   * sleep mode). Must be deterministic for the same inputs and args.
   */
  run(inputs: readonly Value[], args: Args): Value[] | Promise<Value[]>;
  /**
   * Optional, pure: the shapes of the `outputs` values `run` would return for inputs of these
   * shapes, or undefined when they cannot be told (inputs `run` would reject). Lets a planner
   * derive task keys and input bytes statically (src/metadata/dag-descriptors.ts); an op without
   * it leaves its consumers' input shapes unknown.
   */
  shape?(inputs: readonly ValueShape[], args: Args): ValueShape[] | undefined;
  /**
   * Optional, pure: the work of one run on inputs of these shapes, for the simulator (a task of an
   * op without it is priced from its DAG hints, else history, else defaults). What a user op's
   * declaration throws or answers that is not an OpCost (negative, NaN, unknown fields) is bad
   * input naming the task when the DAG is priced (src/sim/cost-model-estimator.ts).
   */
  cost?(inputs: readonly ValueShape[], args: Args): OpCost | undefined;
  /**
   * False when the same inputs and args may give different outputs (randomness without a seed, the
   * clock) or when running has an effect a cached result would skip (table.write): the result
   * cache never stores or reuses such a task or anything downstream of it. Absent: deterministic.
   */
  readonly deterministic?: false;
  /**
   * Optional: what identifies the data a source op reads (file size and mtime, S3 ETag), part of
   * its tasks' cache keys, so a changed file invalidates the read and everything downstream.
   */
  dataIdentity?(args: Args): Promise<string>;
  /** Where a user op was loaded from (absent for built-ins): errors point at the user's file. */
  readonly source?: string;
}

/**
 * What a cost declaration says of one run, from its input shapes and args (no values): the work,
 * which a cost profile's kernel rates turn into time (src/cost/kernel-rates.ts). Every field is
 * optional; a declaration of nothing costs only the kernel's fixed overhead.
 */
export interface OpCost {
  /** Floating-point operations. */
  readonly flops?: number;
  /** Bytes read from inputs (memory traffic, not the store's transfer, which is priced apart). */
  readonly bytesRead?: number;
  /** Bytes written to outputs. */
  readonly bytesWritten?: number;
  /** Other bytes touched (a user op that only knows a total); priced as bytesRead. */
  readonly bytes?: number;
  /**
   * The kernel class whose rates price this work (`matmul`, `qr`, `svd`, `elementwise`, `random`,
   * `copy`, ...; see KERNEL_NAMES) or one a profile's rate table names; absent, or a built-in
   * kernel the profile does not list: its `default` rates. Any other name is refused when the DAG
   * is priced (src/cost/op-cost-check.ts): a misspelt kernel would be priced silently otherwise.
   */
  readonly kernel?: string;
  /** Time already known at one full vCPU (synthetic.work spinning): added as is, then stretched by a small CPU share. */
  readonly cpuMs?: number;
  /**
   * Bytes read from outside the store (a source file or S3 object: table.read), also counted in
   * bytesRead; the simulator reports them as sources read, as a run's report does.
   */
  readonly sourceBytes?: number;
  /**
   * Time spent waiting rather than computing (a sleep: matrix.add's delayMs): not stretched, holds
   * no core. An op that declares it computes before it waits: the embedded runtime counts the
   * op's synchronous part as all its CPU (src/runtime/declared-wait.ts).
   */
  readonly waitMs?: number;
}

export const exactly = (n: number): OpArity => ({ min: n, max: n });
export const atLeast = (n: number): OpArity => ({ min: n, max: Number.POSITIVE_INFINITY });
