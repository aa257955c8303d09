import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { RedisOptions } from 'ioredis';
import { BadInputError } from '../../model/errors.js';

const DEFAULT_REDIS_PORT = 6379;

/** URL parameter naming a PEM file of CA certificates to trust for `rediss://` (a private CA). */
export const REDIS_CA_PARAM = 'ca';

/**
 * Client options from a `redis://[user[:password]@]host[:port][/db]` URL; `rediss://` turns on TLS
 * (with SNI for the host) and certificate verification, against the system's CAs or, with
 * `?ca=/path/to/ca.pem`, that file's (a path, not a secret: the URL travels to every executor). Parsed here rather than by ioredis so a bad URL fails at once, naming
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
  const caFile = parsed.searchParams.get(REDIS_CA_PARAM);
  for (const name of parsed.searchParams.keys()) {
    if (name !== REDIS_CA_PARAM) throw new BadInputError(`Redis URL parameter "${name}" is not supported (only ${REDIS_CA_PARAM}=FILE): ${redactRedisUrl(url)}`);
  }
  if (caFile !== null && parsed.protocol !== 'rediss:') throw new BadInputError(`Redis URL parameter ${REDIS_CA_PARAM} needs TLS (rediss://): ${redactRedisUrl(url)}`);
  if (parsed.protocol === 'rediss:') {
    // SNI carries host names only (RFC 6066); an IP address is still checked against the certificate's IP SANs.
    const host = options.host as string;
    options.tls = { ...(isIP(host) === 0 ? { servername: host } : {}), ...(caFile !== null ? { ca: readCaFile(caFile) } : {}) };
  }
  return options;
}

function readCaFile(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (error) {
    throw new BadInputError(`Redis TLS CA file ${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
}

/**
 * The URL with `?ca=FILE` set (replacing any), for a CA given apart from the URL (the CLI's
 * WUKONG_REDIS_CA). Only for rediss:// URLs; others come back unchanged.
 */
export function withRedisCaFile(url: string, caFile: string): string {
  if (!/^rediss:\/\//i.test(url) || !URL.canParse(url)) return url; // a bad URL is reported when it is opened
  const parsed = new URL(url);
  parsed.searchParams.set(REDIS_CA_PARAM, caFile);
  return parsed.toString();
}

/** The URL with any password replaced by `***`, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*):[^@/]*@/i, '$1:***@');
}
