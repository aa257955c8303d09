import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyAwsError, fullJitterDelayMs, retryThrottled, type RetryEffects } from '../../../src/runtime/lambda/throttle-retry.js';

/** Virtual time: sleeps advance a clock instead of waiting. */
function virtualEffects(random = () => 0.5): RetryEffects & { sleeps: number[]; nowMs: number } {
  const state = {
    nowMs: 0,
    sleeps: [] as number[],
    now: () => state.nowMs,
    sleep: async (ms: number) => {
      state.sleeps.push(ms);
      state.nowMs += ms;
    },
    random,
  };
  return state;
}

const throttle = () => Object.assign(new Error('Rate Exceeded.'), { name: 'TooManyRequestsException', $metadata: { httpStatusCode: 429 } });
const serverError = () => Object.assign(new Error('internal'), { name: 'ServiceException', $metadata: { httpStatusCode: 500 } });
const notFound = () => Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });

/** An operation that fails with `failures` in order, then returns 'ok'. */
function failingWith(failures: (() => Error)[]): { call: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    call: async () => {
      const failure = failures[calls];
      calls += 1;
      if (failure) throw failure();
      return 'ok';
    },
    calls: () => calls,
  };
}

const options = { baseDelayMs: 50, maxDelayMs: 1_000, throttleDeadlineMs: 10_000, maxTransientAttempts: 3 };

describe('full-jitter backoff', () => {
  it('stays within [0, min(max, base * 2^attempt))', () => {
    fc.assert(
      fc.property(fc.nat(40), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, random) => {
        const delay = fullJitterDelayMs(attempt, options, () => random);
        const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
        return Number.isInteger(delay) && delay >= 0 && delay < Math.max(cap, 1);
      }),
      { numRuns: 200 },
    );
  });

  it('grows its cap exponentially, then stops at the maximum', () => {
    const nearlyOne = () => 0.999_999;
    expect([0, 1, 2, 3, 4, 5].map((n) => fullJitterDelayMs(n, options, nearlyOne))).toEqual([49, 99, 199, 399, 799, 999]);
  });
});

describe('retryThrottled', () => {
  it('retries throttles until the call succeeds, counting them', async () => {
    const effects = virtualEffects();
    const op = failingWith([throttle, throttle, throttle]);
    const outcome = await retryThrottled(op.call, 'invoke f', options, effects);
    expect(outcome).toEqual({ value: 'ok', retries: 3, throttles: 3 });
    expect(effects.sleeps).toEqual([25, 50, 100]);
  });

  it('gives up on throttles at the deadline with a LIMIT_EXCEEDED error that says why', async () => {
    const effects = virtualEffects(() => 0.99);
    const op = failingWith(Array.from({ length: 1000 }, () => throttle));
    const error = await retryThrottled(op.call, 'invoking f for executor x-a', { ...options, throttleDeadlineMs: 3_000 }, effects).catch((e: unknown) => e);
    expect((error as { code: string }).code).toBe('LIMIT_EXCEEDED');
    expect((error as Error).message).toMatch(/^invoking f for executor x-a was throttled \d+ times over \d+ ms \(HTTP 429/);
    expect(effects.nowMs).toBeLessThanOrEqual(3_000);
  });

  it('retries a transient failure a few times, then fails', async () => {
    const recovered = failingWith([serverError, serverError]);
    expect((await retryThrottled(recovered.call, 'x', options, virtualEffects())).value).toBe('ok');
    const broken = failingWith([serverError, serverError, serverError, serverError]);
    const error = await retryThrottled(broken.call, 'invoking f', options, virtualEffects()).catch((e: unknown) => e);
    expect((error as Error).message).toBe('invoking f failed 3 times: internal');
    expect(broken.calls()).toBe(3);
  });

  it('does not retry other errors', async () => {
    const op = failingWith([notFound]);
    const error = await retryThrottled(op.call, 'x', options, virtualEffects()).catch((e: unknown) => e);
    expect((error as Error).name).toBe('ResourceNotFoundException');
    expect(op.calls()).toBe(1);
  });
});

describe('classifyAwsError', () => {
  it('treats 429 and TooManyRequestsException as throttles, 5xx and dropped connections as transient', () => {
    expect(classifyAwsError(throttle())).toBe('throttled');
    expect(classifyAwsError(Object.assign(new Error(), { name: 'TooManyRequestsException' }))).toBe('throttled');
    expect(classifyAwsError(serverError())).toBe('transient');
    expect(classifyAwsError(Object.assign(new Error(), { code: 'ECONNRESET' }))).toBe('transient');
    expect(classifyAwsError(notFound())).toBe('fatal');
    expect(classifyAwsError('a string')).toBe('fatal');
  });
});
