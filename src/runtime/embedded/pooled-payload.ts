import type { ExecutorPayload } from '../payload.js';
import { payloadOfText, payloadText } from './execute-jobs-text.js';

/**
 * An invocation's payload as the thread pool keeps it: the text threads get (./execute-jobs-text.ts),
 * the object read from it only when the pool needs a field (fault injection, giving up on a job).
 * A payload a thread invoked arrives as text and usually leaves as text, unread. A payload the
 * client invoked is written as text when it is sent to a thread, not when it is queued: TR
 * large's 16,384 sources are queued at once, and writing them all before the first was sent kept
 * every thread waiting for it.
 */
export class PooledPayload {
  private constructor(
    private written: string | undefined,
    private decoded: ExecutorPayload | undefined,
  ) {}

  static of(payload: ExecutorPayload): PooledPayload {
    return new PooledPayload(undefined, payload);
  }

  static ofText(text: string): PooledPayload {
    return new PooledPayload(text, undefined);
  }

  get text(): string {
    return (this.written ??= payloadText(this.decoded as ExecutorPayload));
  }

  get payload(): ExecutorPayload {
    return (this.decoded ??= payloadOfText(this.written as string));
  }
}
