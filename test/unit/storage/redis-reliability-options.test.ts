import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { COMMAND_TIMEOUT_MS, MAX_RETRIES_PER_REQUEST, reconnectDelayMs, RELIABILITY_OPTIONS } from '../../../src/storage/redis/redis-connection.js';
import { redisOptionsFromUrl, withRedisCaFile } from '../../../src/storage/redis/redis-url.js';

describe('Redis reconnect and timeout settings', () => {
  it('backs off exponentially from 50 ms, capped at 2 s, plus 0-100 ms of jitter', () => {
    // Prepare / Act: no jitter (random 0) and full jitter (random ~1).
    const floor = [1, 2, 3, 4, 5, 6, 10].map((times) => reconnectDelayMs(times, () => 0));
    const ceiling = [1, 2, 10].map((times) => reconnectDelayMs(times, () => 0.999));
    // Assess
    expect(floor).toEqual([50, 100, 200, 400, 800, 1600, 2000]);
    expect(ceiling).toEqual([149, 199, 2099]);
  });

  it('sets every fault-related ioredis option explicitly', () => {
    expect(RELIABILITY_OPTIONS).toMatchObject({ maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST, enableOfflineQueue: true, autoResendUnfulfilledCommands: true, commandTimeout: COMMAND_TIMEOUT_MS });
    expect(RELIABILITY_OPTIONS.connectTimeout).toBeGreaterThan(0);
    expect(RELIABILITY_OPTIONS.retryStrategy(1)).toBeGreaterThanOrEqual(50);
  });
});

describe('rediss:// CA file', () => {
  it('adds ?ca= to rediss:// URLs only, keeping the rest of the URL', () => {
    expect(withRedisCaFile('rediss://:pw@h:6380/2', '/etc/ca.pem')).toBe('rediss://:pw@h:6380/2?ca=%2Fetc%2Fca.pem');
    expect(withRedisCaFile('redis://h:1', '/etc/ca.pem')).toBe('redis://h:1');
    expect(withRedisCaFile('rediss://[bad', '/etc/ca.pem')).toBe('rediss://[bad'); // reported when opened
  });

  it('uses no SNI for an IP address (RFC 6066) and names a missing CA file as bad input', () => {
    expect(redisOptionsFromUrl('rediss://127.0.0.1:6380').tls).toEqual({});
    expect(() => redisOptionsFromUrl('rediss://h:1?ca=/no/such/file.pem')).toThrow(BadInputError);
    expect(() => redisOptionsFromUrl('rediss://h:1?ca=/no/such/file.pem')).toThrow(/CA file \/no\/such\/file\.pem cannot be read: ENOENT/);
  });
});
