import { DEFAULT_TTL_SECONDS } from '../storage/coordinator.js';
import { loadLambdaConfig } from './lambda-config.js';
import { embeddedRunBackend, type EmbeddedBackendOptions, type RunBackend } from './run-backend.js';

/**
 * What a backend is opened with: what the embedded backend needs (threads, stores, metadata,
 * pricing, op modules), and the settings of the backends that run elsewhere (each reads its own).
 */
export interface BackendOpenOptions {
  readonly embedded: EmbeddedBackendOptions;
  /** lambda: the config `wukong config from-stack` wrote. */
  readonly lambdaConfigPath: string;
  /** lambda: the memory tier to run executors on (default: the backend's). */
  readonly memoryMb?: number | undefined;
}

/** One backend: where executors run. A new backend is its module plus one entry in BACKENDS. */
export interface BackendDefinition {
  readonly name: string;
  /** For `--backend` help and errors. */
  readonly description: string;
  open(options: BackendOpenOptions): Promise<RunBackend>;
}

/** The backends `submit` and `replay` can run on, registered in one place. */
export const BACKENDS: readonly BackendDefinition[] = Object.freeze([
  {
    name: 'embedded',
    description: 'threads in this process',
    open: async ({ embedded }) => embeddedRunBackend(embedded),
  },
  {
    name: 'lambda',
    description: 'functions from --lambda-config',
    open: async ({ lambdaConfigPath, memoryMb }) => {
      // Loaded only for this backend: the Lambda SDK is no cost to embedded runs.
      const { lambdaRunOptionsFromConfig, runOnLambda } = await import('./lambda/lambda-backend.js');
      const options = lambdaRunOptionsFromConfig(await loadLambdaConfig(lambdaConfigPath), { ...(memoryMb ? { memoryMb } : {}), ttlSeconds: DEFAULT_TTL_SECONDS });
      return {
        name: 'lambda',
        run: async (request) => {
          const outcome = await runOnLambda(request, options);
          return { outcome, memoryMb: outcome.memoryMb };
        },
      };
    },
  },
]);

export function findBackend(name: string): BackendDefinition | undefined {
  return BACKENDS.find((backend) => backend.name === name);
}
