import { describe, expect, it } from 'vitest';
import { CallDeadlines } from '../../../src/runtime/call-deadlines.js';
import { withinLimit } from '../../../src/runtime/store-bounds.js';

const never = () => new Promise<never>(() => undefined);

describe('CallDeadlines (one timer for the store calls in flight)', () => {
  it('expires a call whose deadline came before the one the timer was set for', async () => {
    const deadlines = new CallDeadlines();
    const expired: string[] = [];
    const start = performance.now();
    deadlines.add({ at: start + 10_000, expire: () => expired.push('late') });
    const early = new Promise<number>((resolve) => deadlines.add({ at: start + 30, expire: () => resolve(performance.now() - start) }));
    const elapsed = await early;
    expect(elapsed).toBeGreaterThanOrEqual(30);
    expect(expired).toEqual([]);
    expect(deadlines.size).toBe(1);
  });

  it('forgets a settled call: it never expires', async () => {
    const deadlines = new CallDeadlines();
    let expired = false;
    const call = { at: performance.now() + 20, expire: () => (expired = true) };
    deadlines.add(call);
    deadlines.delete(call);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(expired).toBe(false);
    expect(deadlines.size).toBe(0);
  });
});

describe('withinLimit', () => {
  it('fails a call that does not answer in time with a message naming the store, the call and the bound', async () => {
    const start = performance.now();
    const failure = await withinLimit('memory store', () => 'get of k', { ms: 40, why: 'the store call timeout' }, never).catch((error: Error) => error);
    expect(performance.now() - start).toBeGreaterThanOrEqual(39);
    expect((failure as Error).message).toBe('memory store: get of k did not answer within 40 ms (the store call timeout)');
  });

  it('passes on a value or an error of a call that answers in time, and a synchronous throw', async () => {
    const limit = { ms: 1_000, why: 'test' };
    await expect(withinLimit('s', () => 'get of a', limit, async () => 7)).resolves.toBe(7);
    await expect(withinLimit('s', () => 'get of b', limit, () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    await expect(
      withinLimit('s', () => 'get of c', limit, () => {
        throw new Error('thrown');
      }),
    ).rejects.toThrow('thrown');
  });

  it('bounds calls made while a longer one is pending by their own, shorter limit', async () => {
    const long = withinLimit('s', () => 'receive of inbox', { ms: 5_000, why: 'long' }, never);
    long.catch(() => undefined);
    const start = performance.now();
    await expect(withinLimit('s', () => 'get of k', { ms: 30, why: 'short' }, never)).rejects.toThrow('get of k did not answer within 30 ms (short)');
    expect(performance.now() - start).toBeLessThan(2_000);
  });
});
