/**
 * The parts of the Lambda context object the handler uses (the Node.js runtime passes more). The
 * local emulator provides the same fields.
 */
export interface LambdaContext {
  readonly functionName: string;
  /** The function's memory, as Lambda passes it: a string such as "1769". */
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  /** Milliseconds until Lambda stops this invocation (its timeout). */
  getRemainingTimeInMillis(): number;
}
