import type { Redis } from 'ioredis';
import { deleteByPrefix, openRedis, storeError } from '../storage/redis/redis-connection.js';
import { historyFromRecords, validateRecords, type MetadataHistory } from './metadata-history.js';
import type { MetadataStore } from './metadata-store.js';
import { decodeRecordLine } from './record-lines.js';
import type { MetadataRecord } from './records.js';

/** Every key of the Redis metadata store starts with this, unless told otherwise. */
export const DEFAULT_METADATA_KEY_PREFIX = 'wkmeta:';
/** Records kept per list: enough for a robust fit and its percentiles, bounded in memory. */
export const DEFAULT_RECORDS_PER_KEY = 1000;

export interface RedisMetadataStoreOptions {
  /** Default DEFAULT_METADATA_KEY_PREFIX (`wkmeta:`). */
  readonly keyPrefix?: string;
  /** Newest records kept per list (LTRIM); default DEFAULT_RECORDS_PER_KEY (1,000). */
  readonly recordsPerKey?: number;
}

/**
 * Metadata in Redis, as capped lists of JSON records (newest first: LPUSH, then LTRIM to the cap):
 *
 *     <prefix>task:key:<taskKey>              task records by task key (the predictor's main level)
 *     <prefix>task:id:<taskId>                the same task records by task id
 *     <prefix>transfer:<store>:<get|put>      transfer records
 *     <prefix>invoke:<tier>                   invoke records (cold and warm)
 *     <prefix>pool                            embedded runs' CPU (pool records)
 *     <prefix>index:lists                     set: every list above
 *     <prefix>index:taskKeys                  set: every task key seen
 *
 * A batch is one pipeline (not MULTI: a reader seeing half a batch is harmless). Keys have NO TTL:
 * history is meant to outlive runs and its size is bounded by the cap per list, not by time. Use
 * `wukong metadata clear` (or a prefix per experiment) to start over.
 *
 * `load` reads every list (two round trips); a task record sits in two lists and is returned once.
 */
export class RedisMetadataStore implements MetadataStore {
  private readonly redis: Redis;
  private readonly ownsClient: boolean;
  readonly keyPrefix: string;
  readonly recordsPerKey: number;

  constructor(urlOrClient: string | Redis, options: RedisMetadataStoreOptions = {}) {
    const { client, owned } = openRedis(urlOrClient);
    this.redis = client;
    this.ownsClient = owned;
    this.keyPrefix = options.keyPrefix ?? DEFAULT_METADATA_KEY_PREFIX;
    this.recordsPerKey = options.recordsPerKey ?? DEFAULT_RECORDS_PER_KEY;
    if (!Number.isSafeInteger(this.recordsPerKey) || this.recordsPerKey < 1) {
      throw new RangeError(`recordsPerKey must be a positive integer, got ${this.recordsPerKey}`);
    }
  }

  async append(records: readonly MetadataRecord[]): Promise<void> {
    const valid = validateRecords(records);
    if (valid.length === 0) return;
    // Oldest first into LPUSH, so each list ends newest first.
    const entriesByList = new Map<string, string[]>();
    const taskKeys = new Set<string>();
    for (const record of valid) {
      const entry = JSON.stringify(record);
      for (const list of this.listsOf(record)) {
        const entries = entriesByList.get(list);
        if (entries) entries.push(entry);
        else entriesByList.set(list, [entry]);
      }
      if (record.type === 'task') taskKeys.add(record.taskKey);
    }
    const pipeline = this.redis.pipeline();
    for (const [list, entries] of entriesByList) {
      pipeline.lpush(list, ...entries);
      pipeline.ltrim(list, 0, this.recordsPerKey - 1);
    }
    pipeline.sadd(this.key('index:lists'), ...entriesByList.keys());
    if (taskKeys.size > 0) pipeline.sadd(this.key('index:taskKeys'), ...taskKeys);
    await this.execPipeline('append', pipeline);
  }

  async load(): Promise<MetadataHistory> {
    const lists = (await this.run('load', () => this.redis.smembers(this.key('index:lists')))).sort();
    if (lists.length === 0) return historyFromRecords([]);
    const pipeline = this.redis.pipeline();
    for (const list of lists) pipeline.lrange(list, 0, -1);
    const results = (await this.execPipeline('load', pipeline)) as string[][];
    const seen = new Set<string>();
    const records: MetadataRecord[] = [];
    let skipped = 0;
    for (const entries of results) {
      // Lists are newest first; read oldest first.
      for (let i = entries.length - 1; i >= 0; i -= 1) {
        const entry = entries[i] as string;
        if (seen.has(entry)) continue;
        seen.add(entry);
        const record = decodeRecordLine(entry);
        if (typeof record === 'string') skipped += 1;
        else records.push(record);
      }
    }
    records.sort((a, b) => a.at - b.at);
    return historyFromRecords(records, skipped);
  }

  async taskKeys(): Promise<string[]> {
    return (await this.run('list task keys', () => this.redis.smembers(this.key('index:taskKeys')))).sort();
  }

  async checkWritable(): Promise<void> {
    await this.run('check', () => this.redis.ping());
  }

  async clear(): Promise<void> {
    await this.run('clear', () => deleteByPrefix(this.redis, this.keyPrefix));
  }

  async close(): Promise<void> {
    if (this.ownsClient) await this.redis.quit().catch(() => this.redis.disconnect());
  }

  /** The lists a record goes into. */
  listsOf(record: MetadataRecord): string[] {
    if (record.type === 'task') return [this.key(`task:key:${record.taskKey}`), this.key(`task:id:${record.taskId}`)];
    if (record.type === 'transfer') return [this.key(`transfer:${record.store}:${record.direction}`)];
    if (record.type === 'invoke') return [this.key(`invoke:${record.tier}`)];
    return [this.key('pool')];
  }

  private key(suffix: string): string {
    return `${this.keyPrefix}${suffix}`;
  }

  private async execPipeline(what: string, pipeline: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
    const results = await this.run(what, () => pipeline.exec());
    const values: unknown[] = [];
    for (const [error, value] of results ?? []) {
      if (error) throw storeError(this.redis, `metadata ${what}`, error);
      values.push(value);
    }
    return values;
  }

  private async run<T>(what: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (error) {
      throw storeError(this.redis, `metadata ${what}`, error);
    }
  }
}
