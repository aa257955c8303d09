import type { ExecutorPayload } from './payload.js';

/**
 * Starts executors. Embedded: a thread pool. Lambda: InvokeCommand with InvocationType "Event".
 * `invoke` resolves once the invocation is accepted, not when the executor finishes.
 */
export interface Invoker {
  invoke(payload: ExecutorPayload): Promise<void>;
  /**
   * Invokes each of `payloads` in order, as `invoke` one after another would; resolves once all
   * are accepted. Absent: the client invokes them one by one.
   */
  invokeAll?(payloads: readonly ExecutorPayload[]): Promise<void>;
  /**
   * Warms an executor of the `memoryMb` tier so that a later invoke starts warm (planned mode's
   * prewarm annotation). Absent (embedded threads are always warm): the driver only counts it.
   */
  prewarm?(memoryMb: number): Promise<void>;
}
