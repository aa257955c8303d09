import { BadInputError } from '../model/errors.js';
import type { Logger } from '../model/logger.js';
import { FileMetadataStore } from './file-metadata-store.js';
import { MemoryMetadataStore } from './memory-metadata-store.js';
import type { MetadataStore } from './metadata-store.js';
import { RedisMetadataStore } from './redis-metadata-store.js';

/** Where a MetadataStore lives; the CLI builds one from its flags. */
export type MetadataLocation =
  | { readonly kind: 'memory' }
  | { readonly kind: 'file'; readonly dir: string }
  | { readonly kind: 'redis'; readonly url: string; readonly keyPrefix?: string };

/**
 * `redis://...` / `rediss://...` is a Redis store; `memory:` the in-process store; anything else
 * a directory for the file store (used as given: resolving it is the caller's business).
 */
export function parseMetadataLocation(text: string): MetadataLocation {
  const trimmed = text.trim();
  if (trimmed === '') throw new BadInputError('metadata location is empty: give a redis:// URL or a directory');
  if (/^rediss?:\/\//i.test(trimmed)) {
    try {
      new URL(trimmed);
    } catch {
      throw new BadInputError(`metadata location "${trimmed}" is not a valid redis:// URL`);
    }
    return { kind: 'redis', url: trimmed };
  }
  if (trimmed === 'memory:') return { kind: 'memory' };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new BadInputError(`metadata location "${trimmed}": only redis:// and rediss:// URLs, or a directory`);
  }
  return { kind: 'file', dir: trimmed };
}

/** Where a location points, safe to print (a Redis URL loses its password). */
export function describeMetadataLocation(location: MetadataLocation): string {
  if (location.kind === 'memory') return 'memory';
  if (location.kind === 'file') return location.dir;
  const url = new URL(location.url);
  if (url.password) url.password = '***';
  return url.toString();
}

export function openMetadataStore(location: MetadataLocation, options: { logger?: Logger } = {}): MetadataStore {
  if (location.kind === 'memory') return new MemoryMetadataStore();
  if (location.kind === 'file') return new FileMetadataStore(location.dir, options);
  return new RedisMetadataStore(location.url, location.keyPrefix === undefined ? {} : { keyPrefix: location.keyPrefix });
}
