import type { RunDag } from '../model/run-spec.js';
import { parseDepRef } from '../model/dag-schema.js';
import { WukongError } from '../model/errors.js';
import { decodeEntry, encodeEntry } from './cache-entry.js';
import { missReason, noteHash, taskCacheKeys, type KeyedOp, type TaskKey, type TaskKeyParts } from './cache-keys.js';
import { entryName, noteName, type CacheStore } from './cache-store.js';

/** An op as the cache sees it: its keyed identity and how many outputs its tasks have. */
export interface CachedOp extends KeyedOp {
  readonly outputs: number;
}

/** What a run can take from the cache, and what it still has to compute. */
export interface CacheResolution {
  /** Tasks whose results come from the cache and are used (outputs, inputs of tasks that run): payloads per output index. */
  readonly hits: ReadonlyMap<string, readonly Uint8Array[]>;
  /** Tasks that must run: misses needed for the requested outputs. */
  readonly run: ReadonlySet<string>;
  /** Why each task in `run` missed. */
  readonly reasons: ReadonlyMap<string, string>;
  /** Entries found unusable (truncated, altered): removed, their tasks recomputed. */
  readonly corrupt: readonly { readonly taskId: string; readonly problem: string }[];
}

/** How many reads or writes go to the cache store at once. */
const CONCURRENCY = 16;

/**
 * A content-addressed result cache for one DAG: resolves which tasks hit before a run, and writes
 * the outputs the run stored anyway (plus a note of each task's key parts, for the next run's
 * miss reasons) after it. Shared by every backend: only the client talks to it.
 */
export class ResultCache {
  private keys: Map<string, TaskKey> | undefined;

  constructor(
    readonly store: CacheStore,
    private readonly dagName: string,
    private readonly opOf: (op: string) => CachedOp,
    private readonly dataIdentity: ReadonlyMap<string, string> = new Map(),
  ) {}

  get location(): string {
    return this.store.location;
  }

  /**
   * From the requested outputs upwards: a task whose entries are all sound is a hit and ends the
   * walk there; any other task must run, and so must be fed: its parents are visited in turn.
   */
  async resolve(dag: RunDag, outputRefs: readonly string[]): Promise<CacheResolution> {
    try {
      return await this.resolveHits(dag, outputRefs);
    } catch (error) {
      throw cacheFailed(this.location, error);
    }
  }

  private async resolveHits(dag: RunDag, outputRefs: readonly string[]): Promise<CacheResolution> {
    const keys = this.keysOf(dag);
    const hits = new Map<string, Uint8Array[]>();
    const run = new Set<string>();
    const reasons = new Map<string, string>();
    const corrupt: { taskId: string; problem: string }[] = [];
    const seen = new Set<string>();
    let level = [...new Set(outputRefs.map((ref) => parseDepRef(ref).taskId))];
    while (level.length > 0) {
      for (const taskId of level) seen.add(taskId);
      const looked = await mapLimited(level, async (taskId) => ({ taskId, found: await this.lookup(dag, taskId, keys.get(taskId), corrupt) }));
      const next: string[] = [];
      for (const { taskId, found } of looked) {
        if ('payloads' in found) {
          hits.set(taskId, found.payloads);
          continue;
        }
        run.add(taskId);
        reasons.set(taskId, found.reason);
        for (const parent of dag.parents(taskId)) if (!seen.has(parent) && !next.includes(parent)) next.push(parent);
      }
      level = next.filter((taskId) => !seen.has(taskId));
    }
    return { hits, run, reasons, corrupt };
  }

  /**
   * After a run: every cacheable task that ran gets its note; each of its outputs the run stored
   * (`read` answers undefined for one it kept in memory only) becomes an entry, put-if-absent.
   * Returns how many entries were written.
   */
  async record(dag: RunDag, ran: Iterable<string>, read: (taskId: string, output: number) => Promise<Uint8Array | undefined>): Promise<number> {
    const keys = this.keysOf(dag);
    const written = await mapLimited([...ran], async (taskId) => {
      const key = keys.get(taskId);
      if (!key?.cacheable) return 0;
      await this.store.put(noteName(noteHash(this.dagName, taskId)), Buffer.from(JSON.stringify(key.parts)));
      let count = 0;
      for (let output = 0; output < this.opOf(dag.task(taskId).op).outputs; output += 1) {
        const payload = await read(taskId, output);
        if (payload && (await this.store.putIfAbsent(entryName(key.key, output), encodeEntry(payload)))) count += 1;
      }
      return count;
    });
    return written.reduce((a, b) => a + b, 0);
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private keysOf(dag: RunDag): Map<string, TaskKey> {
    this.keys ??= taskCacheKeys(dag, this.opOf, this.dataIdentity);
    return this.keys;
  }

  private async lookup(dag: RunDag, taskId: string, key: TaskKey | undefined, corrupt: { taskId: string; problem: string }[]): Promise<{ payloads: Uint8Array[] } | { reason: string }> {
    if (!key) return { reason: 'unknown task' };
    if (!key.cacheable) return { reason: key.reason };
    const payloads: Uint8Array[] = [];
    for (let output = 0; output < this.opOf(dag.task(taskId).op).outputs; output += 1) {
      const name = entryName(key.key, output);
      const entry = await this.store.get(name);
      if (entry === undefined) return { reason: await this.why(dag, taskId, key.parts) };
      const decoded = decodeEntry(entry);
      if (!decoded.ok) {
        corrupt.push({ taskId, problem: decoded.problem });
        // Removed so the recomputed result can take its place (writes are put-if-absent).
        await this.store.delete(name);
        return { reason: `cache entry unusable (${decoded.problem})` };
      }
      payloads.push(decoded.payload);
    }
    return { payloads };
  }

  private async why(dag: RunDag, taskId: string, parts: TaskKeyParts): Promise<string> {
    const note = await this.store.get(noteName(noteHash(this.dagName, taskId)));
    let before: TaskKeyParts | undefined;
    try {
      before = note ? (JSON.parse(Buffer.from(note).toString('utf8')) as TaskKeyParts) : undefined;
    } catch {
      before = undefined;
    }
    const refs = dag.inputRefs(taskId).map((ref) => (ref.output === 0 ? ref.taskId : `${ref.taskId}#${ref.output}`));
    return missReason(parts, before, refs);
  }
}

/** A cache that cannot be read: the run stops before anything runs, naming the cache (exit 1). */
export function cacheFailed(location: string, error: unknown, hint = ' (run with --no-cache to compute without it)'): WukongError {
  if (error instanceof WukongError && error.code === 'BAD_INPUT') return error;
  return new WukongError('STORE_FAILED', `cache ${location}: ${(error as Error).message}${hint}`, { cause: error });
}

async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, items.length) }, worker));
  return results;
}
