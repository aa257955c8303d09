import { BadInputError } from '../model/errors.js';

/** Long enough for a Redis across a network; short enough that a wrong URL fails at once. */
const PING_TIMEOUT_MS = 2_000;

/**
 * Throws (exit 2, naming the URL) unless the Redis at `url` answers a PING within the timeout.
 * `local up --redis URL` used to trust the URL and say "redis reused"; a wrong one surfaced only
 * when a later run gave up after ioredis's retries. One connection, no retries, closed at once.
 */
export async function checkRedisAnswers(url: string, flag: string, timeoutMs: number = PING_TIMEOUT_MS): Promise<void> {
  // Loaded here, not at the top: commands that need no Redis do not load ioredis.
  const { Redis } = await import('ioredis');
  const { redisOptionsFromUrl } = await import('../storage/redis/redis-url.js');
  const client = new Redis({
    ...redisOptionsFromUrl(url),
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Reported once, below; the event carries the cause (ECONNREFUSED ...) that the rejection,
  // "Connection is closed.", does not.
  let cause: Error | undefined;
  client.on('error', (error: Error) => {
    cause = error;
  });
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    const safeUrl = new URL(url);
    if (safeUrl.password) safeUrl.password = '***';
    throw new BadInputError(`${flag}: no Redis answers at ${safeUrl.toString()} (${(cause ?? (error as Error)).message}); start it, or leave out ${flag} so \`local up\` starts one`);
  } finally {
    client.disconnect();
  }
}
