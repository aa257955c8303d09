import type { ExecutorPayload } from '../payload.js';
import { payloadOfText, payloadText } from './execute-jobs-text.js';

/**
 * An invocation's payload as the thread pool keeps it: the text threads get (./execute-jobs-text.ts),
 * the object read from it only when the pool needs a field (fault injection, giving up on a job).
 * A payload a thread invoked arrives as text and usually leaves as text, unread.
 */
export class PooledPayload {
  private constructor(
    readonly text: string,
    private decoded: ExecutorPayload | undefined,
  ) {}

  static of(payload: ExecutorPayload): PooledPayload {
    return new PooledPayload(payloadText(payload), payload);
  }

  static ofText(text: string): PooledPayload {
    return new PooledPayload(text, undefined);
  }

  get payload(): ExecutorPayload {
    return (this.decoded ??= payloadOfText(this.text));
  }
}
