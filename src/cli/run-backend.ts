import { BadInputError } from '../model/errors.js';
import { BACKENDS, findBackend } from '../runtime/backend-registry.js';
import type { EmbeddedBackendOptions, RunBackend } from '../runtime/run-backend.js';
import { parseIntegerOption } from './parse-options.js';

/** The backend flags `submit` and `replay` share. */
export interface BackendFlags {
  backend: string;
  lambdaConfig: string;
  memoryMb?: string;
}

/**
 * The backend the flags name (runtime/backend-registry.ts): embedded threads (stores and metadata
 * as given), or Lambda functions from `--lambda-config` (its stores and metadata are the deployed
 * stack's). Bad flags are exit 2.
 */
export async function runBackendFromFlags(flags: BackendFlags, embedded: EmbeddedBackendOptions): Promise<RunBackend> {
  const backend = findBackend(flags.backend);
  if (!backend) throw new BadInputError(`--backend must be ${BACKENDS.map((b) => b.name).join(' or ')}, got "${flags.backend}"`);
  const memoryMb = flags.memoryMb === undefined ? undefined : parseIntegerOption(flags.memoryMb, '--memory-mb', 0, 128);
  return backend.open({ embedded, lambdaConfigPath: flags.lambdaConfig, memoryMb });
}

/** `--backend`'s help, from the registered backends. */
export const BACKEND_FLAG_HELP = BACKENDS.map((b) => `${b.name} (${b.description})`).join(' or ');
