import type { Redis } from 'ioredis';
import { DEFAULT_TTL_SECONDS, type Coordinator, type FanInMark } from '../coordinator.js';
import { deleteByPrefix, duplicateConnection, keysByPrefix, openRedis, storeError, type RedisAdapterOptions } from './redis-connection.js';
import { withScripts, type ScriptedRedis } from './redis-scripts.js';

/** BLPOP's timeout is in seconds (fractions since Redis 6); 0 would mean "forever". */
const MIN_BLOCK_SECONDS = 0.01;

/**
 * The Coordinator on Redis. Fan-in marks, claims and inbox drains are Lua scripts (atomic on the
 * server); every key written gets the TTL. A fan-in at `key` lives in `key:marks` (a set) and
 * `key:completer`. Blocking receives run on connections of their own, one per receive in flight,
 * since a connection blocked in BLPOP serves nothing else (not even another receive).
 */
export class RedisCoordinator implements Coordinator {
  private readonly redis: ScriptedRedis;
  private readonly ownsClient: boolean;
  private readonly keyPrefix: string;
  private readonly ttlSeconds: number;
  private readonly idleBlocking: Redis[] = [];
  private readonly blocking = new Set<Redis>();
  private closed = false;

  /** From a `redis://` / `rediss://` URL (closed by close()), or a caller's client (left open). */
  constructor(urlOrClient: string | Redis, options: RedisAdapterOptions = {}) {
    const { client, owned } = openRedis(urlOrClient);
    this.redis = withScripts(client);
    this.ownsClient = owned;
    this.keyPrefix = options.keyPrefix ?? '';
    this.ttlSeconds = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  }

  async markFanIn(key: string, parentId: string, expected: number): Promise<FanInMark> {
    const fanIn = this.k(key);
    const [complete, marked, duplicate] = await this.run('mark fan-in', () =>
      this.redis.wukongFanInMark(`${fanIn}:marks`, `${fanIn}:completer`, parentId, expected, this.ttlSeconds),
    );
    return { complete: complete === 1, marked, duplicate: duplicate === 1 };
  }

  fanInMembers(key: string): Promise<string[]> {
    return this.run('read fan-in', () => this.redis.smembers(`${this.k(key)}:marks`));
  }

  async claim(key: string, owner: string): Promise<boolean> {
    return (await this.run('claim', () => this.redis.wukongClaim(this.k(key), owner, this.ttlSeconds))) === 1;
  }

  async increment(key: string, by = 1): Promise<number> {
    const replies = await this.run('increment', () => this.redis.multi().incrby(this.k(key), by).expire(this.k(key), this.ttlSeconds).exec());
    return Number(this.firstReply('increment', replies));
  }

  async setValue(key: string, value: string): Promise<void> {
    await this.run('set', () => this.redis.set(this.k(key), value, 'EX', this.ttlSeconds));
  }

  async getValue(key: string): Promise<string | undefined> {
    return (await this.run('get', () => this.redis.get(this.k(key)))) ?? undefined;
  }

  async send(key: string, message: string): Promise<void> {
    const replies = await this.run('send', () => this.redis.multi().rpush(this.k(key), message).expire(this.k(key), this.ttlSeconds).exec());
    this.firstReply('send', replies);
  }

  async receive(key: string, timeoutMs: number): Promise<string[]> {
    const inbox = this.k(key);
    const ready = await this.run('receive', () => this.redis.wukongTakeAll(inbox));
    if (ready.length > 0) return ready;
    // A message sent between the drain above and the BLPOP below is not lost: BLPOP takes it at once.
    const first = await this.withBlockingConnection((connection) =>
      this.run('receive', () => connection.blpop(inbox, Math.max(MIN_BLOCK_SECONDS, timeoutMs / 1000))),
    );
    if (!first) return [];
    const rest = await this.run('receive', () => this.redis.wukongTakeAll(inbox));
    return [first[1], ...rest];
  }

  deletePrefix(prefix: string): Promise<number> {
    return this.run('delete prefix', () => deleteByPrefix(this.redis, this.k(prefix)));
  }

  async keys(prefix: string): Promise<string[]> {
    const found = await this.run('list keys', () => keysByPrefix(this.redis, this.k(prefix)));
    return found.map((key) => key.slice(this.keyPrefix.length));
  }

  async ttlMs(key: string): Promise<number> {
    // A fan-in lives in two keys; report the marks' TTL when asked about the fan-in itself.
    const direct = await this.run('ttl', () => this.redis.pttl(this.k(key)));
    if (direct !== -2) return direct;
    return this.run('ttl', () => this.redis.pttl(`${this.k(key)}:marks`));
  }

  /** Closes the blocking connections (a receive in flight fails) and the client if this adapter opened it. */
  async close(): Promise<void> {
    this.closed = true;
    for (const connection of this.blocking) connection.disconnect();
    this.blocking.clear();
    this.idleBlocking.length = 0;
    if (this.ownsClient) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private async withBlockingConnection<T>(use: (connection: Redis) => Promise<T>): Promise<T> {
    const connection = this.idleBlocking.pop() ?? this.openBlockingConnection();
    try {
      return await use(connection);
    } finally {
      if (this.closed) connection.disconnect();
      else this.idleBlocking.push(connection);
    }
  }

  private openBlockingConnection(): Redis {
    const connection = duplicateConnection(this.redis);
    this.blocking.add(connection);
    return connection;
  }

  private k(key: string): string {
    return this.keyPrefix + key;
  }

  /** The first command's reply of a MULTI; a command's own error fails the call. */
  private firstReply(what: string, replies: [Error | null, unknown][] | null): unknown {
    const first = replies?.[0];
    if (!first) throw storeError(this.redis, what, new Error('transaction aborted'));
    if (first[0]) throw storeError(this.redis, what, first[0]);
    return first[1];
  }

  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw storeError(this.redis, what, error);
    }
  }
}
