import { BadInputError } from '../model/errors.js';
import type { OpDefinition } from './op-definition.js';
import { describeUserThrow } from './user-frame.js';

/** The optional functions of an op that planning and pricing call on shapes, never on values. */
export type OpDeclaration = 'cost' | 'shape';

/**
 * A user op's cost or shape declaration that failed or answered something unusable while a DAG
 * was being planned or priced: bad input (exit 2) naming the op, the task and the function, so
 * the user fixes their module rather than reading `unexpected error: ...` (exit 1).
 */
export class OpDeclarationError extends BadInputError {
  readonly op: string;
  readonly taskId: string;
  readonly declaration: OpDeclaration;

  constructor(op: string, taskId: string, declaration: OpDeclaration, problem: string, options: { cause?: unknown } = {}) {
    super(`task ${taskId} (op ${op}): its ${declaration} function ${problem}`, options);
    this.op = op;
    this.taskId = taskId;
    this.declaration = declaration;
  }
}

/**
 * Calls one of a user op's declarations for a task. What a user op's declaration throws becomes
 * an OpDeclarationError carrying the first frame in the user's file (as a failing `run` does);
 * a built-in's throw is the project's bug and goes through as it is.
 */
export function callDeclaration<T>(op: Pick<OpDefinition, 'name' | 'source'>, declaration: OpDeclaration, taskId: string, call: () => T): T {
  try {
    return call();
  } catch (error) {
    if (op.source === undefined) throw error;
    throw new OpDeclarationError(op.name, taskId, declaration, `threw: ${describeUserThrow(error, op.source)}`, { cause: error });
  }
}
