import type { RedisOptions } from 'ioredis';
import { BadInputError } from '../../errors.js';

const DEFAULT_REDIS_PORT = 6379;

/**
 * Client options from a `redis://[user[:password]@]host[:port][/db]` URL; `rediss://` turns on TLS
 * (with SNI for the host). Parsed here rather than by ioredis so a bad URL fails at once, naming
 * the URL without its password, and so the target can be printed safely.
 */
export function redisOptionsFromUrl(url: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    // Not echoed: where a password sits in text that is not a URL cannot be told.
    throw new BadInputError('not a Redis URL (expected redis://[:password@]host[:port] or rediss://...)');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') {
    throw new BadInputError(`not a Redis URL: ${redactRedisUrl(url)} (expected redis:// or rediss://, got ${parsed.protocol}//)`);
  }
  if (parsed.hostname === '') throw new BadInputError(`Redis URL without a host: ${redactRedisUrl(url)}`);
  const options: RedisOptions = {
    // IPv6 literals come bracketed from URL; the socket wants them bare.
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port === '' ? DEFAULT_REDIS_PORT : Number(parsed.port),
  };
  if (parsed.username !== '') options.username = decodeURIComponent(parsed.username);
  if (parsed.password !== '') options.password = decodeURIComponent(parsed.password);
  const dbText = parsed.pathname.replace(/^\//, '');
  if (dbText !== '') {
    const db = Number(dbText);
    if (!Number.isInteger(db) || db < 0) throw new BadInputError(`Redis URL database must be a number: ${redactRedisUrl(url)}`);
    options.db = db;
  }
  if (parsed.protocol === 'rediss:') options.tls = { servername: options.host as string };
  return options;
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
