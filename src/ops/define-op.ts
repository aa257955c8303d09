import * as z from 'zod';
import type { OpArity } from '../dag/op-catalog.js';
import type { Value } from '../data/value.js';
import type { OpCost, OpDefinition } from './op-definition.js';
import type { ValueShape } from './value-shape.js';

/**
 * Args convention for every built-in op: `args` omitted in DAG JSON means `{}` (the driver and the
 * validator call `schema.parse(task.args ?? {})`). Every args schema is a `.strict()` object, so an
 * unknown key is an error, and one with no required field accepts `{}`. `run` receives the parsed
 * args, defaults filled in.
 */
export const NO_ARGS = z.object({}).strict();

/**
 * Builds an OpDefinition whose `run` sees the args typed as its schema's output. The same function
 * the built-ins use is the public one (`import { defineOp } from 'wukong'`) for user op modules.
 */
export function defineOp<Schema extends z.ZodType>(def: {
  readonly name: string;
  readonly description: string;
  readonly args: Schema;
  readonly arity: OpArity;
  readonly outputs: number;
  run(inputs: readonly Value[], args: z.output<Schema>): Value[] | Promise<Value[]>;
  shape?(inputs: readonly ValueShape[], args: z.output<Schema>): ValueShape[] | undefined;
  cost?(inputs: readonly ValueShape[], args: z.output<Schema>): OpCost | undefined;
  readonly deterministic?: false;
  dataIdentity?(args: z.output<Schema>): Promise<string>;
}): OpDefinition<z.output<Schema>> {
  return Object.freeze({ ...def, args: def.args as unknown as z.ZodType<z.output<Schema>> });
}
