import { BadInputError } from '../model/errors.js';
import { loadLambdaConfig } from '../runtime/lambda-config.js';
import { lambdaRunOptionsFromConfig, runOnLambda } from '../runtime/lambda/lambda-backend.js';
import { embeddedRunBackend, type EmbeddedBackendOptions, type RunBackend } from '../runtime/run-backend.js';
import { DEFAULT_TTL_SECONDS } from '../storage/coordinator.js';
import { parseIntegerOption } from './parse-options.js';

/** The backend flags `submit` and `replay` share. */
export interface BackendFlags {
  backend: string;
  lambdaConfig: string;
  memoryMb?: string;
}

/**
 * The backend the flags name: embedded threads (stores and metadata as given), or Lambda functions
 * from `--lambda-config` (its stores and metadata are the deployed stack's). Bad flags are exit 2.
 */
export async function runBackendFromFlags(
  flags: BackendFlags,
  embedded: EmbeddedBackendOptions,
): Promise<RunBackend> {
  if (flags.backend === 'embedded') return embeddedRunBackend(embedded);
  if (flags.backend === 'lambda') {
    const memoryMb = flags.memoryMb === undefined ? undefined : parseIntegerOption(flags.memoryMb, '--memory-mb', 0, 128);
    const options = lambdaRunOptionsFromConfig(await loadLambdaConfig(flags.lambdaConfig), { ...(memoryMb ? { memoryMb } : {}), ttlSeconds: DEFAULT_TTL_SECONDS });
    return {
      name: 'lambda',
      run: async (request) => {
        const outcome = await runOnLambda(request, options);
        return { outcome, memoryMb: outcome.memoryMb };
      },
    };
  }
  throw new BadInputError(`--backend must be embedded or lambda, got "${flags.backend}"`);
}
