import { Redis } from 'ioredis';
import { WukongError } from '../../errors.js';
import { redisOptionsFromUrl } from './redis-url.js';

/** Options shared by the Redis adapters. */
export interface RedisAdapterOptions {
  /** Prepended to every key this adapter touches (e.g. a tenant, or a test's random prefix). */
  readonly keyPrefix?: string;
  /** TTL given to every key written; default DEFAULT_TTL_SECONDS (one day). */
  readonly ttlSeconds?: number;
}

/** A client and whether the adapter opened it (and so must close it). */
export interface OpenedRedis {
  readonly client: Redis;
  readonly owned: boolean;
}

/**
 * Retries of one command across reconnects before it fails: a restarted server is ridden out
 * (~0.75 s of reconnect backoff), a dead one fails the command in about two seconds.
 */
const MAX_RETRIES_PER_REQUEST = 5;

/**
 * Opens an ioredis client from a `redis://` or `rediss://` (TLS) URL, with the password (AUTH)
 * taken from the URL, or adopts a caller's client (which the caller keeps and closes).
 */
export function openRedis(urlOrClient: string | Redis): OpenedRedis {
  if (typeof urlOrClient !== 'string') return { client: urlOrClient, owned: false };
  const client = new Redis({ ...redisOptionsFromUrl(urlOrClient), maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST, enableOfflineQueue: true });
  silenceErrorEvents(client);
  return { client, owned: true };
}

/** A second connection to the same server, for commands that block their connection. */
export function duplicateConnection(client: Redis): Redis {
  const duplicate = client.duplicate();
  silenceErrorEvents(duplicate);
  return duplicate;
}

/** Connection errors reach callers through the failed commands (storeError); the events would only repeat them. */
function silenceErrorEvents(client: Redis): void {
  client.on('error', () => undefined);
}

/** Where a client points, safe to print (no credentials). */
export function redisTarget(client: Redis): string {
  const { host, port, path } = client.options;
  return path ? path : `${host ?? '127.0.0.1'}:${port ?? 6379}`;
}

/**
 * A failed command as a retryable STORE_FAILED naming host:port. The password never appears: it
 * is scrubbed from the message, and the cause is a copy without ioredis's `command` (whose args
 * hold the password when the failed command was the handshake's AUTH).
 */
export function storeError(client: Redis, what: string, error: unknown): WukongError {
  const password = client.options.password;
  const scrub = (text: string): string => (password ? text.split(password).join('***') : text);
  const original = error instanceof Error ? error : new Error(String(error));
  const cause = new Error(scrub(original.message));
  cause.name = original.name;
  cause.stack = scrub(original.stack ?? '');
  return new WukongError('STORE_FAILED', `redis ${redisTarget(client)}: ${what} failed: ${cause.message}`, { cause, retryable: true });
}

/** Every key starting with `prefix` (SCAN in pages). */
export async function keysByPrefix(redis: Redis, prefix: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found;
}

/** Removes every key starting with `prefix` (SCAN + UNLINK in pages); returns how many. */
export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.unlink(...keys);
  } while (cursor !== '0');
  return removed;
}

/** Escapes Redis glob characters so a prefix matches literally. */
export function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
