import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { BadInputError } from '../../model/errors.js';
import { cacheStats, removeCacheEntries, type CacheStats } from '../../cache/cache-maintenance.js';
import { openCacheStore, parseCacheLocation } from '../../cache/cache-location.js';
import type { CacheStore } from '../../cache/cache-store.js';
import { cacheFailed } from '../../cache/result-cache.js';
import { formatBytes } from '../../report/html/format-units.js';
import { parseDuration } from '../parse-options.js';
import { s3ClientOptionsFromEnv } from '../store-flags.js';

const LOCATION_HELP = 'the cache: a directory, redis://host:port or s3://bucket/prefix (as given to --cache)';

/** `wukong cache stats|clear|gc <location>`: look after the result cache of `--cache`. */
export function registerCacheCommand(program: Command): void {
  const cache = program.command('cache').description('inspect and prune the result cache that submit and replay use with --cache');
  cache
    .command('stats')
    .description('entries, bytes and ages of a cache')
    .argument('<location>', LOCATION_HELP)
    .option('--json', 'print one JSON object')
    .action(async (location: string, flags: { json?: boolean }) => {
      const stats = await withStore(location, cacheStats);
      process.stdout.write(flags.json ? `${JSON.stringify(stats)}\n` : formatStats(stats));
    });
  cache
    .command('clear')
    .description('remove every entry of a cache')
    .argument('<location>', LOCATION_HELP)
    .action(async (location: string) => {
      const removed = await withStore(location, (store) => removeCacheEntries(store, undefined, Date.now()));
      process.stdout.write(`removed ${removed} cache objects from ${location}\n`);
    });
  cache
    .command('gc')
    .description('remove entries not used for a while (S3: not written for a while)')
    .argument('<location>', LOCATION_HELP)
    .requiredOption('--older-than <duration>', 'remove what was last used longer ago than this (e.g. 12h, 7d)')
    .action(async (location: string, flags: { olderThan: string }) => {
      const olderThanMs = parseDuration(flags.olderThan, '--older-than');
      const removed = await withStore(location, (store) => removeCacheEntries(store, olderThanMs, Date.now()));
      process.stdout.write(`removed ${removed} cache objects older than ${flags.olderThan} from ${location}\n`);
    });
}

async function withStore<T>(location: string, use: (store: CacheStore) => Promise<T>): Promise<T> {
  const parsed = parseCacheLocation(location);
  // A run creates its cache directory; these commands only look after one. A missing directory is
  // a mistyped path, not an empty cache ("entries 0" would hide it).
  if (parsed.kind === 'dir' && !existsSync(parsed.path)) throw new BadInputError(`cache ${parsed.path}: no such directory`);
  const store = await openCacheStore(parsed, s3ClientOptionsFromEnv());
  try {
    return await use(store);
  } catch (error) {
    throw cacheFailed(location, error, '');
  } finally {
    await store.close();
  }
}

function formatStats(stats: CacheStats): string {
  const age = (at: number | undefined) => (at === undefined ? '-' : new Date(at).toISOString());
  return [
    `cache ${stats.location}`,
    `  entries          ${stats.entries} (${formatBytes(stats.entryBytes)})`,
    `  notes            ${stats.notes} (what each task's key was made of, to explain a later miss)`,
    `  least recent     ${age(stats.oldestUsedAt)}`,
    `  most recent      ${age(stats.newestUsedAt)}`,
    '',
  ].join('\n');
}
