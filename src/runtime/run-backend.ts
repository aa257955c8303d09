import type { MetadataLocation } from '../metadata/metadata-location.js';
import { runEmbedded } from './embedded/embedded-backend.js';
import { DEFAULT_INVOKE_CONCURRENCY } from '../model/limits.js';
import type { RunOutcome, RunRequest } from './run-client.js';
import type { StoreConfig } from './store-config.js';

/** A backend registered in ./backend-registry.ts (embedded, lambda). */
export type BackendName = string;

/** Runs one request on a backend; `memoryMb` is what its executors are priced at in reports. */
export interface RunBackend {
  readonly name: BackendName;
  run(request: RunRequest): Promise<{ outcome: RunOutcome; memoryMb: number }>;
}

export interface EmbeddedBackendOptions {
  readonly threads: number;
  readonly stores: StoreConfig;
  readonly metadata?: MetadataLocation | undefined;
  /** Memory embedded executors are priced at (they have no tier). */
  readonly costMemoryMb: number;
  /** User op modules (absolute paths) the executor threads load. */
  readonly opModules?: readonly string[];
}

/** The embedded backend as a RunBackend: a fresh thread pool per run. */
export function embeddedRunBackend(options: EmbeddedBackendOptions): RunBackend {
  return {
    name: 'embedded',
    run: async (request) => ({
      outcome: await runEmbedded(request, { threads: options.threads, stores: options.stores, invokeConcurrency: DEFAULT_INVOKE_CONCURRENCY, ...(options.metadata ? { metadata: options.metadata } : {}), ...(options.opModules ? { opModules: options.opModules } : {}) }),
      memoryMb: options.costMemoryMb,
    }),
  };
}
