import { readFileSync } from 'node:fs';
import { Redis, type RedisOptions } from 'ioredis';
import { WukongError } from '../../errors.js';

/**
 * Opens an ioredis client from a `redis://` or `rediss://` (TLS) URL, with the password (AUTH)
 * taken from the URL. Errors name host:port, never the password.
 */
export function openRedis(urlOrClient: string | Redis, options: RedisOptions = {}): Redis {
  if (typeof urlOrClient !== 'string') return urlOrClient;
  const client = new Redis(urlOrClient, { maxRetriesPerRequest: 5, enableOfflineQueue: true, ...options });
  client.on('error', () => undefined); // surfaced per command by storeError()
  return client;
}

/** Where a client points, safe to print (no credentials). */
export function redisTarget(client: Redis): string {
  return `${client.options.host ?? '127.0.0.1'}:${client.options.port ?? 6379}`;
}

export function storeError(client: Redis, what: string, error: unknown): WukongError {
  const message = (error as Error)?.message ?? String(error);
  const password = client.options.password;
  const safe = password ? message.split(password).join('***') : message;
  return new WukongError('STORE_FAILED', `redis ${redisTarget(client)}: ${what} failed: ${safe}`, { cause: error, retryable: true });
}

/** Reads a Lua script that sits next to the compiled module (`scripts/copy-assets.mjs` puts it there). */
export function luaScript(name: string): string {
  return readFileSync(new URL(`./lua/${name}.lua`, import.meta.url), 'utf8');
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
