import type { Redis } from 'ioredis';
import { DEFAULT_TTL_SECONDS, type Coordinator, type FanInMark } from '../coordinator.js';
import { deleteByPrefix, keysByPrefix, luaScript, openRedis, storeError } from './redis-connection.js';

const FAN_IN_MARK = luaScript('fan-in-mark');
const CLAIM = luaScript('claim');
const TAKE_ALL = luaScript('take-all');

/**
 * The Coordinator on Redis: fan-in marks and claims are Lua scripts (atomic on the server); every
 * key written gets the TTL. Blocking receives use a second connection, since a blocked connection
 * can serve nothing else.
 */
export class RedisCoordinator implements Coordinator {
  private readonly redis: Redis;
  private blocking: Redis | undefined;
  private readonly ttlSeconds: number;

  constructor(urlOrClient: string | Redis, options: { ttlSeconds?: number } = {}) {
    this.redis = openRedis(urlOrClient);
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  async markFanIn(key: string, parentId: string, expected: number): Promise<FanInMark> {
    const [complete, marked, duplicate] = (await this.run('mark fan-in', () =>
      this.redis.eval(FAN_IN_MARK, 2, `${key}:marks`, `${key}:completer`, parentId, expected, this.ttlSeconds),
    )) as [number, number, number];
    return { complete: complete === 1, marked, duplicate: duplicate === 1 };
  }

  fanInMembers(key: string): Promise<string[]> {
    return this.run('read fan-in', () => this.redis.smembers(`${key}:marks`));
  }

  async claim(key: string, owner: string): Promise<boolean> {
    return (await this.run('claim', () => this.redis.eval(CLAIM, 1, key, owner, this.ttlSeconds))) === 1;
  }

  async increment(key: string, by = 1): Promise<number> {
    const [[, value]] = (await this.run('increment', () => this.redis.multi().incrby(key, by).expire(key, this.ttlSeconds).exec())) as [[unknown, number]];
    return value;
  }

  async setValue(key: string, value: string): Promise<void> {
    await this.run('set', () => this.redis.set(key, value, 'EX', this.ttlSeconds));
  }

  async getValue(key: string): Promise<string | undefined> {
    return (await this.run('get', () => this.redis.get(key))) ?? undefined;
  }

  async send(key: string, message: string): Promise<void> {
    await this.run('send', () => this.redis.multi().rpush(key, message).expire(key, this.ttlSeconds).exec());
  }

  async receive(key: string, timeoutMs: number): Promise<string[]> {
    const ready = (await this.run('receive', () => this.redis.eval(TAKE_ALL, 1, key))) as string[];
    if (ready.length > 0) return ready;
    this.blocking ??= this.redis.duplicate();
    const blocking = this.blocking;
    // BLPOP takes seconds (fractions allowed since Redis 6); it returns [key, message] or null.
    const first = await this.run('receive', () => blocking.blpop(key, Math.max(0.01, timeoutMs / 1000)));
    if (!first) return [];
    const rest = (await this.run('receive', () => this.redis.eval(TAKE_ALL, 1, key))) as string[];
    return [first[1], ...rest];
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.run('delete prefix', () => deleteByPrefix(this.redis, prefix));
  }

  keys(prefix: string): Promise<string[]> {
    return this.run('list keys', () => keysByPrefix(this.redis, prefix));
  }

  async ttlMs(key: string): Promise<number> {
    // A fan-in lives in two keys; report the marks' TTL when asked about the fan-in itself.
    const direct = await this.run('ttl', () => this.redis.pttl(key));
    if (direct !== -2) return direct;
    return this.run('ttl', () => this.redis.pttl(`${key}:marks`));
  }

  async close(): Promise<void> {
    this.blocking?.disconnect();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw storeError(this.redis, what, error);
    }
  }
}
