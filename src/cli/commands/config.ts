import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative } from 'node:path';
import type { Command } from 'commander';
import { BadInputError } from '../../model/errors.js';
import { withDeprecatedAlias } from '../deprecated-alias.js';
import { lambdaConfigPath } from '../lambda-config-path.js';
import {
  configuredTiersMb,
  DEFAULT_LAMBDA_CONFIG_PATH,
  lambdaConfigFromStackOutputs,
  lambdaMetadataUrl,
  selectStackOutputs,
  type LambdaConfig,
} from '../../runtime/lambda-config.js';

interface FromStackFlags {
  output?: string;
  stack?: string;
  json?: boolean;
}

/** `wukong config ...`: the files that say where a deployed wukong lives. */
export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('configuration for running on AWS Lambda');
  const fromStack = config
    .command('from-stack')
    .description('write the Lambda config from a CDK outputs file (`cdk deploy --outputs-file outputs.json`)')
    .argument('<outputs>', 'CDK outputs file (JSON)')
    .option('-o, --output <file>', `where to write the config (default: ${DEFAULT_LAMBDA_CONFIG_PATH} in the project root, where --backend lambda looks)`)
    .option('--stack <name>', 'which stack of the outputs file (needed when it has several)')
    .option('--json', 'print the written config as JSON');
  withDeprecatedAlias(fromStack, '--out <file>', '-o, --output <file>').action(async (file: string, flags: FromStackFlags) => {
      const outputsFile = await readJsonFile(file);
      const { stackName, outputs } = selectStackOutputs(outputsFile, flags.stack);
      const lambdaConfig = lambdaConfigFromStackOutputs(outputs, stackName);
      const output = lambdaConfigPath(flags.output);
      await mkdir(dirname(output), { recursive: true });
      await writeFile(output, `${JSON.stringify(lambdaConfig, null, 2)}\n`);
      process.stdout.write(flags.json ? `${JSON.stringify(lambdaConfig)}\n` : describe(lambdaConfig, shortPath(output)));
    });
}

async function readJsonFile(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BadInputError(code === 'ENOENT' ? `no such file: ${file}` : `cannot read ${file}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
}

function describe(config: LambdaConfig, path: string): string {
  const tiers = configuredTiersMb(config);
  return [
    `ok: wrote ${path} from stack ${config.stack?.name ?? '-'}`,
    `  region     ${config.region}`,
    `  functions  ${tiers.map((mb) => `${mb} MB -> ${config.functionsByTier[String(mb)]}`).join(', ')}`,
    `  bucket     ${config.bucket}`,
    `  redis      ${withoutPassword(config.redisUrl)}`,
    `  metadata   ${withoutPassword(lambdaMetadataUrl(config))} (--backend lambda plans from and records here by default)`,
    '',
  ].join('\n');
}

/** `path` relative to the working directory when it lies under it (as the user would type it), else absolute. */
function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** Never print a Redis password (a hand-edited config may carry one in the URL). */
const withoutPassword = (url: string): string => url.replace(/^(rediss?:\/\/[^:@/]*:)[^@/]*@/, '$1***@');
