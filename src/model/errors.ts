/**
 * Typed errors: every error the project raises on purpose carries a stable `code`, an optional
 * `cause`, and whether retrying the same operation may succeed. The CLI maps them to exit codes
 * (2 for bad input, 1 for a failed run).
 */
export type ErrorCode =
  | 'BAD_INPUT'
  | 'DAG_INVALID'
  | 'OP_FAILED'
  | 'STORE_FAILED'
  | 'NOT_FOUND'
  | 'RUN_FAILED'
  | 'TIMEOUT'
  | 'LIMIT_EXCEEDED';

export class WukongError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Input the user can fix: a bad file, a bad flag. Exit code 2; nothing is run or written. */
export class BadInputError extends WukongError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('BAD_INPUT', message, options);
  }
}

/** A stored key or object that does not exist. */
export class NotFoundError extends WukongError {
  readonly key: string;
  constructor(key: string, message = `not found: ${key}`) {
    super('NOT_FOUND', message);
    this.key = key;
  }
}
