import { describe, expect, it } from 'vitest';
import { BadInputError } from '../../../src/model/errors.js';
import { redactRedisUrl, redisOptionsFromUrl } from '../../../src/storage/redis/redis-url.js';

describe('redisOptionsFromUrl', () => {
  it('reads host and port, defaulting the port to 6379', () => {
    expect(redisOptionsFromUrl('redis://cache.internal:7000')).toEqual({ host: 'cache.internal', port: 7000 });
    expect(redisOptionsFromUrl('redis://cache.internal')).toEqual({ host: 'cache.internal', port: 6379 });
  });

  it('takes user and password (AUTH) from the URL, percent-decoded', () => {
    expect(redisOptionsFromUrl('redis://:p%40ss%2Fword@h:1')).toMatchObject({ password: 'p@ss/word' });
    expect(redisOptionsFromUrl('redis://:p%40ss%2Fword@h:1').username).toBeUndefined();
    expect(redisOptionsFromUrl('redis://app:secret@h:1')).toMatchObject({ username: 'app', password: 'secret' });
  });

  it('turns on TLS with SNI for rediss://', () => {
    expect(redisOptionsFromUrl('rediss://master.example.cache.amazonaws.com:6379').tls).toEqual({ servername: 'master.example.cache.amazonaws.com' });
    expect(redisOptionsFromUrl('redis://h:1').tls).toBeUndefined();
  });

  it('reads the database number from the path and unbrackets IPv6 hosts', () => {
    expect(redisOptionsFromUrl('redis://h:1/3').db).toBe(3);
    expect(redisOptionsFromUrl('redis://[::1]:6380')).toMatchObject({ host: '::1', port: 6380 });
  });

  it('rejects other schemes, missing hosts and bad databases without printing the password', () => {
    for (const bad of ['http://:topsecret@h:1', 'not a url :topsecret', 'redis://:topsecret@h:1/x', 'redis://:topsecret@/']) {
      let failure: unknown;
      try {
        redisOptionsFromUrl(bad);
      } catch (error) {
        failure = error;
      }
      expect(failure, bad).toBeInstanceOf(BadInputError);
      expect((failure as Error).message, bad).not.toContain('topsecret');
    }
  });
});

describe('redactRedisUrl', () => {
  it('hides the password and keeps the rest', () => {
    expect(redactRedisUrl('redis://:secret@h:1/0')).toBe('redis://:***@h:1/0');
    expect(redactRedisUrl('rediss://user:secret@h:1')).toBe('rediss://user:***@h:1');
    expect(redactRedisUrl('redis://h:1')).toBe('redis://h:1');
  });
});
