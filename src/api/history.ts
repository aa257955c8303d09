import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { fitLocalProfile } from '../cost/local-profile.js';
import type { CostProfile } from '../cost/profile.js';
import type { MetadataHistory } from '../metadata/metadata-history.js';
import { describeMetadataLocation, openMetadataStore, parseMetadataLocation } from '../metadata/metadata-location.js';
import { BadInputError } from '../model/errors.js';
import { DEFAULT_EXECUTORS_PER_THREAD } from '../runtime/embedded/embedded-backend.js';
import { shown, wholeNumberOption } from './option-checks.js';

/**
 * The recorded history at `location` (a directory, such as the CLI's `.wukong/metadata`, or a
 * redis:// URL): what `plan` learns from (PlanOptions.history) and `localProfile` is fitted from.
 * The library names the location itself (no default): a missing directory is an error, not an
 * empty history, so a mistyped path cannot plan from nothing unnoticed.
 */
export async function loadHistory(location: string): Promise<MetadataHistory> {
  if (typeof location !== 'string') throw new BadInputError(`loadHistory takes a directory or a redis:// URL, got ${shown(location)}`);
  const parsed = parseMetadataLocation(location);
  if (parsed.kind === 'memory') throw new BadInputError('loadHistory: memory: holds no recorded runs; give a directory or a redis:// URL');
  const where = parsed.kind === 'file' ? { kind: 'file' as const, dir: resolve(parsed.dir) } : parsed;
  if (where.kind === 'file' && !existsSync(where.dir)) throw new BadInputError(`loadHistory: no such directory ${where.dir}`);
  const store = await openMetadataStore(where);
  try {
    return await store.load();
  } catch (error) {
    throw new BadInputError(`loadHistory: cannot read ${describeMetadataLocation(where)}: ${(error as Error).message}`, { cause: error });
  } finally {
    await store.close().catch(() => undefined);
  }
}

/**
 * The `local` cost profile (as `wukong simulate --profile local`): this machine's embedded runs
 * fitted from their recorded history, for `simulate`'s profile option. `threads` is the embedded
 * pool the simulated runs stand for (default: this machine's parallelism, as `submit` uses).
 */
export function localProfile(history: MetadataHistory, options: { readonly threads?: number } = {}): CostProfile {
  const threads = wholeNumberOption(options.threads, 'threads', 1) ?? availableParallelism();
  return fitLocalProfile(history, { threads, executorsPerThread: DEFAULT_EXECUTORS_PER_THREAD });
}
