import { DEFAULT_LAMBDA_CONFIG_PATH } from '../runtime/lambda-config.js';
import { projectStatePath } from './project-root.js';

/** `--lambda-config`'s help: where the file comes from, and where it is looked for without the flag. */
export const LAMBDA_CONFIG_FLAG_HELP = `the config \`wukong local up\` or \`wukong config from-stack\` wrote (default: ${DEFAULT_LAMBDA_CONFIG_PATH} in the project root)`;

/**
 * The Lambda config file: `--lambda-config` as given, else `.wukong/lambda.json` under the project
 * root (src/cli/project-root.ts), so a command run from a subdirectory finds the config that
 * `wukong local up` or `config from-stack` wrote at the root.
 */
export function lambdaConfigPath(flag: string | undefined, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return flag ?? projectStatePath(DEFAULT_LAMBDA_CONFIG_PATH, cwd, env);
}
