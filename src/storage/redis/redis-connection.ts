import { Redis } from 'ioredis';
import { WukongError } from '../../model/errors.js';
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
 * (the reconnect backoff below sums to ~1.5 s over five tries), a dead one fails the command in
 * about two seconds with STORE_FAILED naming host:port.
 */
export const MAX_RETRIES_PER_REQUEST = 5;
/** A TCP (and TLS) connect that takes longer than this is abandoned and retried. */
export const CONNECT_TIMEOUT_MS = 5_000;
/**
 * A non-blocking command without a reply after this long fails (the server is wedged or the
 * network lost the reply): the last bound that keeps a run from hanging on Redis. Generous, since
 * one SET may carry a value of hundreds of MB.
 */
export const COMMAND_TIMEOUT_MS = 60_000;
/** Blocking commands (BLPOP) fail this long after their own timeout if no reply came. */
export const BLOCKING_TIMEOUT_GRACE_MS = 2_000;
const RECONNECT_BASE_MS = 50;
const RECONNECT_CAP_MS = 2_000;
const RECONNECT_JITTER_MS = 100;

/**
 * Delay before reconnect attempt `times` (1, 2, ...): exponential from 50 ms, capped at 2 s, plus
 * 0-100 ms of jitter so clients cut off together do not reconnect in lockstep. ioredis never
 * stops reconnecting with this; commands stop waiting after MAX_RETRIES_PER_REQUEST.
 */
export function reconnectDelayMs(times: number, random: () => number = Math.random): number {
  return Math.min(RECONNECT_BASE_MS * 2 ** Math.max(0, times - 1), RECONNECT_CAP_MS) + Math.floor(random() * RECONNECT_JITTER_MS);
}

/** The ioredis settings every adapter client uses; explicit so that behaviour under faults is ours, not a default's. */
export const RELIABILITY_OPTIONS = Object.freeze({
  maxRetriesPerRequest: MAX_RETRIES_PER_REQUEST,
  // Commands issued while reconnecting wait (up to MAX_RETRIES_PER_REQUEST reconnects) instead of failing at once.
  enableOfflineQueue: true,
  // Commands in flight when a connection drops are sent again on the new one. Safe here: every
  // write is idempotent (SET, SADD-based fan-in marks, claims by owner) except INCRBY and RPUSH,
  // whose callers tolerate a repeat (metrics counters; inbox messages are deduplicated by id).
  autoResendUnfulfilledCommands: true,
  retryStrategy: (times: number) => reconnectDelayMs(times),
  connectTimeout: CONNECT_TIMEOUT_MS,
  commandTimeout: COMMAND_TIMEOUT_MS,
});

/**
 * Opens an ioredis client from a `redis://` or `rediss://` (TLS) URL, with the password (AUTH)
 * taken from the URL, or adopts a caller's client (which the caller keeps and closes).
 */
export function openRedis(urlOrClient: string | Redis): OpenedRedis {
  if (typeof urlOrClient !== 'string') return { client: urlOrClient, owned: false };
  const client = new Redis({ ...redisOptionsFromUrl(urlOrClient), ...RELIABILITY_OPTIONS });
  silenceErrorEvents(client);
  return { client, owned: true };
}

/**
 * A second connection to the same server, for commands that block their connection. No
 * commandTimeout there (a BLPOP may rightly wait longer); instead ioredis times a blocking
 * command out at its own timeout plus BLOCKING_TIMEOUT_GRACE_MS, so a lost reply cannot hang it.
 */
export function duplicateConnection(client: Redis): Redis {
  const duplicate = client.duplicate({ commandTimeout: undefined, blockingTimeout: COMMAND_TIMEOUT_MS, blockingTimeoutGrace: BLOCKING_TIMEOUT_GRACE_MS });
  silenceErrorEvents(duplicate);
  return duplicate;
}

/** The latest connection-level error of each client, for storeError to name what went wrong. */
const lastConnectionErrors = new WeakMap<Redis, Error>();

/**
 * Connection errors reach callers through the failed commands (storeError); the events would
 * only repeat them. The latest is kept: after reconnects ioredis fails a command with "Reached
 * the max retries per request limit", which says nothing of why (refused, TLS, DNS).
 */
function silenceErrorEvents(client: Redis): void {
  client.on('error', (error: Error) => lastConnectionErrors.set(client, error));
  client.on('ready', () => lastConnectionErrors.delete(client));
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
  const connectionError = lastConnectionErrors.get(client);
  const why = connectionError && /max retries per request/i.test(original.message) ? ` (last connection error: ${connectionError.message})` : '';
  const cause = new Error(scrub(original.message + why));
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
