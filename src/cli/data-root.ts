import { resolve } from 'node:path';
import { loadLambdaConfig } from '../runtime/lambda-config.js';
import { lambdaConfigPath } from './lambda-config-path.js';

/**
 * Where a data workload's sources go: `--data`, else, for the Lambda backend, the deployment's
 * bucket (functions read them from S3), else the local default. For the Lambda backend the CLI's
 * own S3 client (writing and inspecting the sources) follows the config's endpoint and keys when
 * the environment names none, as the functions do (`wukong local up` writes s3rver's).
 */
export async function dataRootFor(flags: { data?: string; backend?: string; lambdaConfig?: string }, localDefault: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  if (flags.backend !== 'lambda') return flags.data === undefined ? localDefault : absoluteDataRoot(flags.data);
  const config = await loadLambdaConfig(lambdaConfigPath(flags.lambdaConfig));
  if (config.endpoints?.s3 && env.AWS_ENDPOINT_URL_S3 === undefined) env.AWS_ENDPOINT_URL_S3 = config.endpoints.s3;
  if (config.credentials && env.AWS_ACCESS_KEY_ID === undefined) {
    env.AWS_ACCESS_KEY_ID = config.credentials.accessKeyId;
    env.AWS_SECRET_ACCESS_KEY = config.credentials.secretAccessKey;
  }
  env.AWS_REGION ??= config.region;
  return flags.data === undefined ? `s3://${config.bucket}/wukong-data` : absoluteDataRoot(flags.data);
}

/**
 * `--data` as a DAG may name it: a directory resolved against `cwd`, a URL (s3://...) as given.
 * The DAG's sources are paths under it, and a DAG saved with `--data ./data` named "./data/..."
 * and failed from any other directory ("source ... does not exist").
 */
export function absoluteDataRoot(location: string, cwd: string = process.cwd()): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(location) ? location : resolve(cwd, location);
}
