import type { ExecutorPayload } from './payload.js';

/**
 * Starts executors. Embedded: a thread pool. Lambda: InvokeCommand with InvocationType "Event".
 * `invoke` resolves once the invocation is accepted, not when the executor finishes.
 */
export interface Invoker {
  invoke(payload: ExecutorPayload): Promise<void>;
}
