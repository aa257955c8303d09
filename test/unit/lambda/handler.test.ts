import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../lambda/handler.js';
import { HandlerConfigError } from '../../../lambda/handler-config.js';
import { BadInputError } from '../../../src/model/errors.js';

/** The handler's edge: what it refuses before any store is opened (no network). */
const context = { functionName: 'f', memoryLimitInMB: '1769', awsRequestId: 'req-1', getRemainingTimeInMillis: () => 60_000 };
const saved = process.env.WUKONG_REDIS_URL;

afterEach(() => {
  if (saved === undefined) delete process.env.WUKONG_REDIS_URL;
  else process.env.WUKONG_REDIS_URL = saved;
});

describe('the Lambda handler', () => {
  it('refuses an event that is neither an executor payload nor a pre-warm', async () => {
    await expect(handler({ kind: 'execute', runId: 'r' }, context)).rejects.toBeInstanceOf(BadInputError);
    await expect(handler('hello', context)).rejects.toThrow(/not a wukong executor event/);
  });

  it('fails loudly, naming the variable, when the environment is incomplete', async () => {
    delete process.env.WUKONG_REDIS_URL;
    const error = await handler({ kind: 'prewarm' }, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HandlerConfigError);
    expect((error as Error).message).toContain('WUKONG_REDIS_URL: required');
    // Not cached: the next invocation reads the environment again.
    process.env.WUKONG_REDIS_URL = 'not-a-url';
    await expect(handler({ kind: 'prewarm' }, context)).rejects.toThrow('WUKONG_REDIS_URL: a redis:// or rediss:// URL');
  });
});
