import { BadInputError } from '../model/errors.js';
import { BACKENDS, findBackend } from '../runtime/backend-registry.js';
import type { EmbeddedBackendOptions, RunBackend } from '../runtime/run-backend.js';
import { lambdaMetadataUrl, loadLambdaConfig } from '../runtime/lambda-config.js';
import type { MetadataLocation } from '../metadata/metadata-location.js';
import { lambdaConfigPath } from './lambda-config-path.js';
import { parseIntegerOption } from './parse-options.js';
import { recordingLocationFromFlag } from './recording-location.js';

/** The backend flags `submit` and `replay` share. */
export interface BackendFlags {
  backend: string;
  /** Absent: `.wukong/lambda.json` under the project root. */
  lambdaConfig?: string;
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
  return backend.open({ embedded, lambdaConfigPath: lambdaConfigPath(flags.lambdaConfig), memoryMb });
}

/**
 * Flags the chosen backend does not read, refused before anything runs (exit 2): a Lambda run
 * takes its stores and its concurrency from the deployment's config, an embedded run has no
 * deployment. Each was once dropped without a word (an audit: `--backend lambda --redis
 * redis://127.0.0.1:1` ran on the config's Redis and exited 0).
 */
export function refuseFlagsTheBackendIgnores(flags: BackendFlags & { redis?: string; s3Bucket?: string; workers?: string }): void {
  const given = (pairs: [string, unknown][]) => pairs.filter(([, value]) => value !== undefined).map(([flag]) => flag);
  if (flags.backend === 'lambda') {
    const ignored = given([['--redis', flags.redis], ['--s3-bucket', flags.s3Bucket], ['--workers', flags.workers]]);
    if (ignored.length > 0) throw new BadInputError(`${ignored.join(', ')}: not for --backend lambda, whose stores and functions are the deployment's (its Lambda config); give them to \`wukong local up\` or the deployment instead`);
  } else if (flags.backend === 'embedded') {
    const ignored = given([['--lambda-config', flags.lambdaConfig], ['--memory-mb', flags.memoryMb]]);
    if (ignored.length > 0) throw new BadInputError(`${ignored.join(', ')}: for --backend lambda only (embedded executors are threads; --cost-memory-mb prices them)`);
  }
}

/** `--backend`'s help, from the registered backends. */
export const BACKEND_FLAG_HELP = BACKENDS.map((b) => `${b.name} (${b.description})`).join(' or ');

/**
 * Where a run records metadata and plans from (`--metadata`, `--no-metadata` = undefined). With no
 * flag and no env WUKONG_METADATA, a Lambda run uses the deployment's metadata URL from its config:
 * its executors record there, so the planner learns from the history the functions wrote rather
 * than from a local directory they never touch. Other backends: the default of `recordingLocationFromFlag`.
 */
export async function recordingLocationForRun(
  flags: Pick<BackendFlags, 'backend' | 'lambdaConfig'> & { metadata?: string | false },
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): Promise<MetadataLocation | undefined> {
  if (flags.metadata === undefined && env.WUKONG_METADATA === undefined && flags.backend === 'lambda') {
    return recordingLocationFromFlag(lambdaMetadataUrl(await loadLambdaConfig(lambdaConfigPath(flags.lambdaConfig, cwd, env))));
  }
  return recordingLocationFromFlag(flags.metadata ?? env.WUKONG_METADATA);
}
