import { WukongError } from '../../model/errors.js';

/**
 * Retries of an AWS call that was throttled (HTTP 429), with exponential backoff and full jitter
 * (AWS Architecture Blog, "Exponential Backoff And Jitter": sleep = random(0, min(cap, base * 2^n))),
 * until a deadline; transient failures (5xx, network) get a few attempts; anything else fails at once.
 */
export interface ThrottleRetryOptions {
  /** First backoff cap; doubles per attempt. */
  readonly baseDelayMs: number;
  /** The backoff cap never grows past this. */
  readonly maxDelayMs: number;
  /** Throttled calls are retried for at most this long after the first attempt. */
  readonly throttleDeadlineMs: number;
  /** Attempts in all for a transient failure (a 5xx or a dropped connection). */
  readonly maxTransientAttempts: number;
}

export const DEFAULT_THROTTLE_RETRY: ThrottleRetryOptions = Object.freeze({
  baseDelayMs: 50,
  maxDelayMs: 5_000,
  throttleDeadlineMs: 120_000,
  maxTransientAttempts: 3,
});

/** Effects the loop needs, injected so tests run in virtual time. */
export interface RetryEffects {
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Uniform in [0, 1). */
  readonly random: () => number;
}

export const realRetryEffects: RetryEffects = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** Full jitter: uniform in [0, min(maxDelayMs, baseDelayMs * 2^attempt)). */
export function fullJitterDelayMs(attempt: number, options: Pick<ThrottleRetryOptions, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const capMs = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.min(attempt, 30));
  return Math.floor(random() * capMs);
}

export type FailureKind = 'throttled' | 'transient' | 'fatal';

/** How an AWS SDK error should be treated: 429 / TooManyRequestsException is a throttle. */
export function classifyAwsError(error: unknown): FailureKind {
  const e = error as { name?: unknown; $metadata?: { httpStatusCode?: unknown }; $retryable?: unknown; code?: unknown } | undefined;
  const status = typeof e?.$metadata?.httpStatusCode === 'number' ? e.$metadata.httpStatusCode : undefined;
  const name = typeof e?.name === 'string' ? e.name : '';
  if (status === 429 || name === 'TooManyRequestsException' || name === 'ThrottlingException') return 'throttled';
  if (status !== undefined && status >= 500) return 'transient';
  if (status === undefined && typeof e?.code === 'string' && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT'].includes(e.code)) return 'transient';
  if (name === 'TimeoutError' || name === 'RequestTimeout') return 'transient';
  return 'fatal';
}

export interface RetryOutcome<T> {
  readonly value: T;
  /** Retries made (0 when the first attempt succeeded). */
  readonly retries: number;
  readonly throttles: number;
}

/**
 * Runs `attempt` until it succeeds, retrying throttles with backoff until the deadline and
 * transient failures a few times. `describe` names the call in the final error.
 */
export async function retryThrottled<T>(
  attempt: () => Promise<T>,
  describe: string,
  options: ThrottleRetryOptions = DEFAULT_THROTTLE_RETRY,
  effects: RetryEffects = realRetryEffects,
  classify: (error: unknown) => FailureKind = classifyAwsError,
): Promise<RetryOutcome<T>> {
  const startedAt = effects.now();
  let throttles = 0;
  let transients = 0;
  for (let n = 0; ; n += 1) {
    try {
      return { value: await attempt(), retries: n, throttles };
    } catch (error) {
      const kind = classify(error);
      const message = error instanceof Error ? error.message : String(error);
      if (kind === 'fatal') throw error;
      if (kind === 'transient') {
        transients += 1;
        if (transients >= options.maxTransientAttempts) {
          throw new WukongError('STORE_FAILED', `${describe} failed ${transients} times: ${message}`, { cause: error, retryable: true });
        }
      } else {
        throttles += 1;
      }
      const delayMs = fullJitterDelayMs(n, options, effects.random);
      const elapsedMs = effects.now() - startedAt;
      if (kind === 'throttled' && elapsedMs + delayMs > options.throttleDeadlineMs) {
        throw new WukongError(
          'LIMIT_EXCEEDED',
          `${describe} was throttled ${throttles} times over ${Math.round(elapsedMs)} ms (HTTP 429, concurrency or request rate limit); ` +
            'gave up after the throttle deadline of ' +
            `${options.throttleDeadlineMs} ms. Raise the functions' concurrency (reserved or account) or invoke fewer executors at once`,
          { cause: error, retryable: true },
        );
      }
      await effects.sleep(delayMs);
    }
  }
}
