import type { z } from 'zod';
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
   * op without it is priced from its DAG hints, else history, else defaults).
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

/** What a cost declaration says of one run: floating-point operations and bytes touched. */
export interface OpCost {
  readonly flops?: number;
  readonly bytes?: number;
}

export const exactly = (n: number): OpArity => ({ min: n, max: n });
export const atLeast = (n: number): OpArity => ({ min: n, max: Number.POSITIVE_INFINITY });
