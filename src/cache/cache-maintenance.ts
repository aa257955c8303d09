import type { CacheListing, CacheStore } from './cache-store.js';

export interface CacheStats {
  readonly location: string;
  /** Result entries (one per task output). */
  readonly entries: number;
  readonly entryBytes: number;
  /** Notes (one per task id and DAG name: what its key was made of last time). */
  readonly notes: number;
  /** Least and most recently used or written entry (ms since the epoch); absent when empty. */
  readonly oldestUsedAt?: number;
  readonly newestUsedAt?: number;
}

const isEntry = (listing: CacheListing) => listing.name.startsWith('e/');

export async function cacheStats(store: CacheStore): Promise<CacheStats> {
  const listings = await store.list();
  const entries = listings.filter(isEntry);
  const used = entries.map((e) => e.usedAt);
  return {
    location: store.location,
    entries: entries.length,
    entryBytes: entries.reduce((sum, e) => sum + e.bytes, 0),
    notes: listings.length - entries.length,
    ...(used.length > 0 ? { oldestUsedAt: Math.min(...used), newestUsedAt: Math.max(...used) } : {}),
  };
}

/**
 * Removes entries and notes last used (directory, Redis) or written (S3) more than `olderThanMs`
 * ago, or everything when `olderThanMs` is undefined. Returns how many were removed. Safe while
 * runs use the cache: a run that reads a removed entry finds it missing and recomputes it.
 */
export async function removeCacheEntries(store: CacheStore, olderThanMs: number | undefined, nowMs: number): Promise<number> {
  const doomed = (await store.list()).filter((listing) => olderThanMs === undefined || listing.usedAt < nowMs - olderThanMs);
  for (const listing of doomed) await store.delete(listing.name);
  return doomed.length;
}
