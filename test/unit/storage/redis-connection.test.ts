import { inspect } from 'node:util';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { WukongError } from '../../../src/model/errors.js';
import { escapeGlob, redisTarget, storeError } from '../../../src/storage/redis/redis-connection.js';

describe('escapeGlob', () => {
  it('escapes every Redis glob character so a prefix matches literally', () => {
    expect(escapeGlob('wk:run-1:')).toBe('wk:run-1:');
    expect(escapeGlob('a*b?c[d]e\\f')).toBe('a\\*b\\?c\\[d\\]e\\\\f');
  });
});

describe('storeError', () => {
  // lazyConnect: a client object only, nothing is dialled.
  const client = new Redis({ host: '10.1.2.3', port: 6380, password: 'hunter2-secret', lazyConnect: true });

  it('is a retryable STORE_FAILED naming host:port and the operation', () => {
    const error = storeError(client, 'claim', new Error('Connection is closed.'));
    expect(error).toBeInstanceOf(WukongError);
    expect(error).toMatchObject({ code: 'STORE_FAILED', retryable: true });
    expect(error.message).toBe('redis 10.1.2.3:6380: claim failed: Connection is closed.');
    expect(redisTarget(client)).toBe('10.1.2.3:6380');
  });

  it('keeps the password out of the message and the cause, even when the failed command carried it', () => {
    const authFailure = Object.assign(new Error('WRONGPASS invalid username-password pair (hunter2-secret)'), {
      command: { name: 'hello', args: ['3', 'AUTH', 'default', 'hunter2-secret'] },
    });
    const error = storeError(client, 'get', authFailure);
    expect(error.message).toContain('WRONGPASS');
    expect(inspect(error, { depth: Infinity })).not.toContain('hunter2-secret');
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toContain('***');
  });
});
