import { cachedOpsOf, sourceIdentities } from '../cache/op-identity.js';
import { openCacheStore, parseCacheLocation } from '../cache/cache-location.js';
import { ResultCache } from '../cache/result-cache.js';
import type { RunDag } from '../model/run-spec.js';
import type { OpRegistry } from '../ops/registry.js';
import { packageVersion } from './package-version.js';
import { s3ClientOptionsFromEnv } from './store-flags.js';

/** `--cache <location>` / `--no-cache`: commander gives the location, false, or nothing. */
export interface CacheFlags {
  cache?: string | false;
}

export const CACHE_FLAG_HELP =
  're-use results of earlier runs and store this run\'s: a directory, redis://host:port or s3://bucket/prefix (default: no cache)';
export const NO_CACHE_FLAG_HELP = 'compute everything and store nothing in a cache (the default; turns off a --cache given before it)';

export function withCacheOptions<C extends { option(flags: string, description: string): C }>(command: C): C {
  return command.option('--cache <location>', CACHE_FLAG_HELP).option('--no-cache', NO_CACHE_FLAG_HELP);
}

/**
 * The result cache of a run, or undefined without `--cache` (the default: a cache keeps results
 * indefinitely and makes a run measure lookups instead of work, so it is asked for, never implied).
 */
export async function resultCacheFromFlags(flags: CacheFlags, dagName: string, dag: RunDag, registry: OpRegistry): Promise<ResultCache | undefined> {
  if (typeof flags.cache !== 'string') return undefined;
  const store = await openCacheStore(parseCacheLocation(flags.cache), s3ClientOptionsFromEnv());
  return new ResultCache(store, dagName, cachedOpsOf(registry, packageVersion()), await sourceIdentities(dag, registry));
}
