import type * as z from 'zod';

/**
 * What the DAG layer needs to know about an op to validate a task, without depending on the op
 * implementations (src/ops implements this port).
 */
export interface OpArity {
  /** Fewest inputs (deps) the op accepts. */
  readonly min: number;
  /** Most inputs; `Infinity` for variadic ops. */
  readonly max: number;
}

export interface OpSignature {
  readonly name: string;
  readonly args: z.ZodType;
  readonly arity: OpArity;
  /** Number of outputs. Tasks of multi-output ops are consumed as `taskId#i` (0-based). */
  readonly outputs: number;
}

export interface OpCatalog {
  lookup(name: string): OpSignature | undefined;
  names(): readonly string[];
}
