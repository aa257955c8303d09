import type { FunctionInstances } from './function-instances.js';
import type { SandboxOutcome } from './sandbox.js';

export interface AsyncInvocationsOptions {
  /**
   * Delay before each retry of a failed event; its length is the number of retries. Lambda retries
   * twice, about 1 and 2 minutes after the failures; tests pass short delays.
   */
  readonly retryDelaysMs: readonly number[];
  /** Events waiting for a slot, at most; beyond it Lambda's API throttles (429). */
  readonly maxQueued: number;
  /** Each attempt's end, for logs and tests. */
  readonly onAttempt?: (attempt: AsyncAttempt) => void;
  /**
   * Fault injection for tests: ms after the handler got attempt `attempt` (0 first) of an event
   * at which its process is killed; undefined leaves it alone.
   */
  readonly killAfterMs?: (attempt: number) => number | undefined;
  /** Called whenever this queue may have become idle. */
  readonly onSettled: () => void;
}

export interface AsyncAttempt {
  readonly requestId: string;
  /** 0 for the first attempt, then 1, 2 for retries. */
  readonly attempt: number;
  readonly outcome: SandboxOutcome;
  readonly cold: boolean;
  /** Whether the event is given up (failed on its last attempt). */
  readonly dropped: boolean;
}

interface QueuedEvent {
  readonly requestId: string;
  readonly eventJson: string;
  readonly attempt: number;
}

/**
 * Lambda's internal queue for asynchronous (Event) invocations of one function: accepted events
 * wait for a free execution slot (throttled events stay queued instead of failing), and an event
 * whose invocation fails (error, timeout, crash) is retried after a delay, twice by default.
 */
export class AsyncInvocations {
  private readonly queue: QueuedEvent[] = [];
  private running = 0;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly instances: FunctionInstances,
    private readonly options: AsyncInvocationsOptions,
  ) {}

  /** Queues an accepted event; false when the queue is full (the caller answers 429). */
  enqueue(requestId: string, eventJson: string): boolean {
    if (this.queue.length >= this.options.maxQueued) return false;
    this.queue.push({ requestId, eventJson, attempt: 0 });
    this.pump();
    return true;
  }

  get idle(): boolean {
    return this.queue.length === 0 && this.running === 0 && this.retryTimers.size === 0;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Starts queued events while execution slots are free. */
  pump(): void {
    while (!this.closed && this.queue.length > 0 && this.instances.tryReserve()) {
      const event = this.queue.shift() as QueuedEvent;
      this.running += 1;
      void this.instances.run(event.requestId, event.eventJson, this.options.killAfterMs?.(event.attempt)).then(({ outcome, cold }) => this.finished(event, outcome, cold));
    }
  }

  close(): void {
    this.closed = true;
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    this.queue.length = 0;
  }

  private finished(event: QueuedEvent, outcome: SandboxOutcome, cold: boolean): void {
    this.running -= 1;
    const failed = outcome.kind !== 'ok';
    const retries = this.options.retryDelaysMs.length;
    const dropped = failed && event.attempt >= retries;
    this.options.onAttempt?.({ requestId: event.requestId, attempt: event.attempt, outcome, cold, dropped });
    if (dropped) this.instances.stats.asyncDropped += 1;
    if (failed && !dropped && !this.closed) {
      this.instances.stats.asyncRetries += 1;
      const timer = setTimeout(() => {
        this.retryTimers.delete(timer);
        this.queue.push({ ...event, attempt: event.attempt + 1 });
        this.pump();
        this.options.onSettled();
      }, this.options.retryDelaysMs[event.attempt]);
      this.retryTimers.add(timer);
    }
    this.pump();
    this.options.onSettled();
  }
}
