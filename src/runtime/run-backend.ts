import type { MetadataLocation } from '../metadata/metadata-location.js';
import { openEmbedded } from './embedded/embedded-backend.js';
import { DEFAULT_INVOKE_CONCURRENCY } from '../model/limits.js';
import type { RunOutcome, RunRequest } from './run-client.js';
import type { StoreConfig } from './store-config.js';

/** A backend registered in ./backend-registry.ts (embedded, lambda). */
export type BackendName = string;

/** Runs one request on a backend; `memoryMb` is what its executors are priced at in reports. */
export interface RunBackend {
  readonly name: BackendName;
  run(request: RunRequest): Promise<BackendRun>;
}

export interface BackendRun {
  readonly outcome: RunOutcome;
  readonly memoryMb: number;
  /**
   * Present when the backend's executors are still stopping once the outcome is known (the
   * embedded backend's threads): it settles when they are gone, rejecting if stopping failed.
   * Await it before starting another run or returning; the CLI prints its summary first, so that
   * the threads' exit (~25 ms for two threads) overlaps with it rather than preceding it.
   */
  readonly stopped?: Promise<void>;
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

/** The embedded backend as a RunBackend: a fresh thread pool per run, stopping as the run returns. */
export function embeddedRunBackend(options: EmbeddedBackendOptions): RunBackend {
  return {
    name: 'embedded',
    run: async (request) => {
      const backend = await openEmbedded({ threads: options.threads, stores: options.stores, invokeConcurrency: DEFAULT_INVOKE_CONCURRENCY, ...(options.metadata ? { metadata: options.metadata } : {}), ...(options.opModules ? { opModules: options.opModules } : {}) });
      let outcome: RunOutcome;
      try {
        outcome = await backend.run(request);
      } catch (error) {
        await backend.close();
        throw error;
      }
      const stopped = backend.close();
      // Handled here too: a caller awaits it after its own awaits, and a rejection in between
      // would otherwise count as unhandled. The caller's await still sees it.
      stopped.catch(() => undefined);
      return { outcome, memoryMb: options.costMemoryMb, stopped };
    },
  };
}
