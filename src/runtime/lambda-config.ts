import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import * as z from 'zod';
import { BadInputError } from '../model/errors.js';
import { StoreConfigSchema, type StoreConfig } from './store-config.js';

/**
 * Where a deployed wukong lives on AWS: what `wukong config from-stack` writes from the CDK stack's
 * outputs and what `wukong submit --backend lambda` reads. The zod schema is the format's single
 * source of truth; the file is JSON, written by the CLI, and safe to edit by hand (e.g. to add
 * `endpoints` that point at the local Lambda emulator and s3rver).
 */

/** Where `config from-stack` writes and `submit --backend lambda` reads unless told otherwise. */
export const DEFAULT_LAMBDA_CONFIG_PATH = '.wukong/lambda.json';

/** Lambda's memory range (MB): 128 MB to 10,240 MB. */
export const LAMBDA_MIN_MEMORY_MB = 128;
export const LAMBDA_MAX_MEMORY_MB = 10_240;

/**
 * The CfnOutput ids of infra/wukong-stack.ts. A CDK outputs file (`cdk deploy --outputs-file`)
 * names outputs by these ids, so the stack and the reader share them from here.
 */
export const STACK_OUTPUT_KEYS = {
  /** JSON object: memory tier in MB (as a string key) -> executor function name. */
  functionsByTier: 'FunctionsByTier',
  bucketName: 'BucketName',
  redisEndpoint: 'RedisEndpoint',
  redisPort: 'RedisPort',
  /** `rediss://host:port`: ElastiCache with TLS in transit. */
  redisUrl: 'RedisUrl',
  region: 'Region',
  /** Where a client host must run to reach Redis: the VPC, and a security group to attach to it. */
  vpcId: 'VpcId',
  clientSecurityGroupId: 'ClientSecurityGroupId',
  clientSubnetIds: 'ClientSubnetIds',
} as const;

const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;
/** Lambda function names: letters, digits, hyphens and underscores, at most 64 characters. */
const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/** S3 bucket naming rules, the parts that matter for a typo check. */
const BUCKET_NAME_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

const MemoryTierKeySchema = z
  .string()
  .regex(/^\d+$/, 'a memory tier in MB (whole number)')
  .refine((key) => Number(key) >= LAMBDA_MIN_MEMORY_MB && Number(key) <= LAMBDA_MAX_MEMORY_MB, {
    message: `a memory tier between ${LAMBDA_MIN_MEMORY_MB} and ${LAMBDA_MAX_MEMORY_MB} MB`,
  });

export const FunctionsByTierSchema = z
  .record(MemoryTierKeySchema, z.string().regex(FUNCTION_NAME_PATTERN, 'a Lambda function name'))
  .refine((map) => Object.keys(map).length > 0, { message: 'at least one memory tier' });

export const LambdaConfigSchema = z
  .object({
    version: z.literal(1),
    region: z.string().regex(REGION_PATTERN, 'an AWS region such as us-east-1'),
    /** One executor function per memory tier: Lambda memory is per function, not per call. */
    functionsByTier: FunctionsByTierSchema,
    /** Intermediates go under `wk/{runId}/` in this bucket (the only prefix the functions may use). */
    bucket: z.string().regex(BUCKET_NAME_PATTERN, 'an S3 bucket name'),
    /** Coordination store; `rediss://` for ElastiCache with TLS in transit. */
    redisUrl: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// or rediss:// URL'),
    /**
     * Where the executors record task metadata (their WUKONG_METADATA_URL, else WUKONG_REDIS_URL),
     * so `--backend lambda` plans from that history by default. Absent in configs written before
     * this field: the executors' fallback, `redisUrl`, is meant (see `lambdaMetadataUrl`).
     */
    metadataUrl: z.string().regex(/^rediss?:\/\/[^\s]+$/, 'a redis:// or rediss:// URL').optional(),
    /** Local stand-ins (the Lambda emulator, s3rver); absent on AWS. */
    endpoints: z
      .object({ lambda: z.string().url().optional(), s3: z.string().url().optional() })
      .strict()
      .optional(),
    /**
     * Keys for the local stand-ins (`wukong local up` writes s3rver's); never put AWS keys here:
     * on AWS the SDK's default chain (role, profile, env) supplies them.
     */
    credentials: z.object({ accessKeyId: z.string().min(1), secretAccessKey: z.string().min(1) }).strict().optional(),
    /** Which stack this came from, and where a client must run to reach Redis (informational). */
    stack: z
      .object({
        name: z.string().min(1),
        vpcId: z.string().optional(),
        clientSecurityGroupId: z.string().optional(),
        clientSubnetIds: z.array(z.string()).optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type LambdaConfig = z.infer<typeof LambdaConfigSchema>;

/** Parses a config, naming the first offending field and where the config came from. */
export function parseLambdaConfig(raw: unknown, source: string): LambdaConfig {
  const parsed = LambdaConfigSchema.safeParse(raw);
  if (parsed.success) return Object.freeze(parsed.data);
  throw new BadInputError(`${source}: ${describeIssues(parsed.error.issues)}`);
}

/** Reads and validates the config file that `wukong config from-stack` wrote. */
export async function loadLambdaConfig(path: string = DEFAULT_LAMBDA_CONFIG_PATH): Promise<LambdaConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      // The absolute path: a relative one given from a subdirectory reads as if it were the project's.
      throw new BadInputError(
        `no Lambda config at ${resolve(path)}; for a local stack run \`wukong local up\` in the project root (commands then find it from any subdirectory), for AWS deploy the stack, then run \`wukong config from-stack <outputs.json>\``,
      );
    }
    throw new BadInputError(`cannot read ${path}: ${(error as Error).message}`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  return parseLambdaConfig(raw, path);
}

/** Where the deployment's executors record metadata: `metadataUrl`, else the coordination Redis they fall back to. */
export function lambdaMetadataUrl(config: LambdaConfig): string {
  return config.metadataUrl ?? config.redisUrl;
}

/** The memory tiers a config offers, smallest first. */
export function configuredTiersMb(config: LambdaConfig): number[] {
  return Object.keys(config.functionsByTier)
    .map(Number)
    .sort((a, b) => a - b);
}

/** The executor function of a memory tier; a tier the stack does not have is bad input. */
export function functionNameForTier(config: LambdaConfig, memoryMb: number): string {
  const name = config.functionsByTier[String(memoryMb)];
  if (name === undefined) {
    throw new BadInputError(`no executor function for ${memoryMb} MB; deployed tiers: ${configuredTiersMb(config).join(', ')} MB`);
  }
  return name;
}

/**
 * Picks one stack's outputs from a CDK outputs file (`{ "<StackName>": { "<OutputKey>": "value" } }`).
 * With several stacks in the file, `stackName` must say which.
 */
export function selectStackOutputs(file: unknown, stackName?: string): { stackName: string; outputs: Record<string, string> } {
  const parsed = z.record(z.string(), z.record(z.string(), z.unknown())).safeParse(file);
  if (!parsed.success) throw new BadInputError('not a CDK outputs file: expected { "<StackName>": { "<OutputKey>": "value", ... } }');
  const stacks = Object.keys(parsed.data);
  if (stacks.length === 0) throw new BadInputError('the outputs file names no stack; was `cdk deploy --outputs-file` run?');
  const chosen = stackName ?? (stacks.length === 1 ? stacks[0] : undefined);
  if (chosen === undefined) throw new BadInputError(`the outputs file has several stacks (${stacks.join(', ')}); pick one with --stack`);
  const outputs = parsed.data[chosen];
  if (outputs === undefined) throw new BadInputError(`no stack "${chosen}" in the outputs file; it has: ${stacks.join(', ')}`);
  const strings: Record<string, string> = {};
  for (const [key, value] of Object.entries(outputs)) {
    // CDK writes every output as a string; numbers are tolerated for hand-written files.
    if (typeof value === 'string' || typeof value === 'number') strings[key] = String(value);
  }
  return { stackName: chosen, outputs: strings };
}

/** The outputs `lambdaConfigFromStackOutputs` cannot do without. */
export const REQUIRED_STACK_OUTPUTS = [
  STACK_OUTPUT_KEYS.functionsByTier,
  STACK_OUTPUT_KEYS.bucketName,
  STACK_OUTPUT_KEYS.redisUrl,
  STACK_OUTPUT_KEYS.region,
] as const;

/** Builds the Lambda config from one stack's outputs; every missing output is named at once. */
export function lambdaConfigFromStackOutputs(outputs: Record<string, string>, stackName: string): LambdaConfig {
  const missing = REQUIRED_STACK_OUTPUTS.filter((key) => outputs[key] === undefined || outputs[key] === '');
  if (missing.length > 0) {
    throw new BadInputError(
      `stack "${stackName}" lacks the output${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; ` +
        'deploy infra/app.ts (`cdk deploy --outputs-file ...`) and pass that file',
    );
  }
  const functionsByTier = parseJsonOutput(outputs[STACK_OUTPUT_KEYS.functionsByTier] ?? '', STACK_OUTPUT_KEYS.functionsByTier);
  const clientSubnets = outputs[STACK_OUTPUT_KEYS.clientSubnetIds];
  const raw = {
    version: 1,
    region: outputs[STACK_OUTPUT_KEYS.region],
    functionsByTier,
    bucket: outputs[STACK_OUTPUT_KEYS.bucketName],
    redisUrl: outputs[STACK_OUTPUT_KEYS.redisUrl],
    // The stack's executors set WUKONG_REDIS_URL and no WUKONG_METADATA_URL: they record to the same Redis.
    metadataUrl: outputs[STACK_OUTPUT_KEYS.redisUrl],
    stack: {
      name: stackName,
      ...optional('vpcId', outputs[STACK_OUTPUT_KEYS.vpcId]),
      ...optional('clientSecurityGroupId', outputs[STACK_OUTPUT_KEYS.clientSecurityGroupId]),
      ...(clientSubnets ? { clientSubnetIds: clientSubnets.split(',').filter((id) => id !== '') } : {}),
    },
  };
  return parseLambdaConfig(raw, `stack "${stackName}" outputs`);
}

function parseJsonOutput(text: string, key: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new BadInputError(`output ${key} is not JSON: ${JSON.stringify(text.slice(0, 80))}`);
  }
}

const optional = <K extends string>(key: K, value: string | undefined) => (value ? ({ [key]: value } as Record<K, string>) : {});

function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 5)
    .map((issue) => {
      // A bad record key (a tier like "64") carries the key schema's own message one level down.
      const message = issue.code === 'invalid_key' ? (issue.issues[0]?.message ?? issue.message) : issue.message;
      return `${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${message}`;
    })
    .join('; ');
}

/**
 * The stores a deployment's functions use, as a client reaches them: Redis for coordination, the
 * bucket for intermediates (through the config's S3 endpoint and keys when it names local
 * stand-ins). What a Lambda run's client and `wukong gc --lambda-config` open.
 */
export function lambdaStores(config: LambdaConfig, ttlSeconds: number): StoreConfig {
  const s3Endpoint = config.endpoints?.s3;
  return StoreConfigSchema.parse({
    coordinator: { kind: 'redis', url: config.redisUrl },
    intermediate: {
      kind: 's3',
      bucket: config.bucket,
      region: config.region,
      ...(s3Endpoint ? { endpoint: s3Endpoint, forcePathStyle: true } : {}),
      ...(config.credentials ? { credentials: config.credentials } : {}),
    },
    ttlSeconds,
  });
}
