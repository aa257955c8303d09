import { existsSync, statSync } from 'node:fs';
import { BadInputError } from '../model/errors.js';
import type { S3ClientOptions } from '../storage/s3/s3-intermediate-store.js';
import type { CacheStore } from './cache-store.js';
import { DirCacheStore } from './dir-cache-store.js';

export type CacheLocation =
  | { readonly kind: 'dir'; readonly path: string }
  | { readonly kind: 'redis'; readonly url: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly prefix: string };

/** `--cache <location>`: a directory, `redis://...` / `rediss://...`, or `s3://bucket[/prefix]`. */
export function parseCacheLocation(text: string): CacheLocation {
  const value = text.trim();
  if (value === '') throw new BadInputError('--cache needs a location: a directory, redis://host:port or s3://bucket/prefix');
  if (value.startsWith('redis://') || value.startsWith('rediss://')) return { kind: 'redis', url: value };
  if (value.startsWith('s3://')) {
    const rest = value.slice('s3://'.length);
    const slash = rest.indexOf('/');
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    if (bucket === '') throw new BadInputError(`--cache ${value}: no bucket (expected s3://bucket/prefix)`);
    let prefix = slash < 0 ? '' : rest.slice(slash + 1);
    if (prefix !== '' && !prefix.endsWith('/')) prefix += '/';
    return { kind: 's3', bucket, prefix };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new BadInputError(`--cache ${value}: unknown scheme (a directory, redis:// or s3://)`);
  return { kind: 'dir', path: value };
}

/** Opens a cache; the Redis and S3 adapters (ioredis, the AWS SDK) load only when named. */
export async function openCacheStore(location: CacheLocation, s3: S3ClientOptions = {}): Promise<CacheStore> {
  switch (location.kind) {
    case 'dir':
      if (existsSync(location.path) && !statSync(location.path).isDirectory()) throw new BadInputError(`--cache ${location.path}: not a directory`);
      return new DirCacheStore(location.path);
    case 'redis':
      return new (await import('./redis-cache-store.js')).RedisCacheStore(location.url);
    case 's3':
      return new (await import('./s3-cache-store.js')).S3CacheStore(location.bucket, location.prefix, s3);
  }
}
