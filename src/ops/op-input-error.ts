import { WukongError } from '../model/errors.js';

/**
 * An op was handed inputs it cannot work on: the wrong kind of value, or matrix shapes that do not
 * fit (only known at run time, after the producers ran). Not retryable: the same inputs fail again.
 * The message starts with the op name and names the offending shapes.
 */
export class OpInputError extends WukongError {
  readonly op: string;

  constructor(op: string, message: string) {
    super('OP_FAILED', `${op}: ${message}`);
    this.op = op;
  }
}
